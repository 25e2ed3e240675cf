namespace ImagePipeline.Core.Storage;

/// <summary>
/// Where originals and derived assets live. Keys are relative paths made from the image id, never from a client's file name.
/// Writes go to a temp file first and are moved into place atomically, so a crash never leaves a half file under a final key.
/// </summary>
public interface IAssetStorage
{
    /// <summary>The key an asset of an image is stored under (<c>originals/{id}.jpg</c>).</summary>
    string KeyFor(Guid imageId, AssetKind kind, string extension);

    /// <summary>A new, empty temp file in the data directory's temp area (same filesystem, so moves are atomic).</summary>
    TempFile CreateTempFile();

    /// <summary>Moves a finished temp file to its final key, replacing what is there.</summary>
    Task PromoteAsync(TempFile temp, string key, CancellationToken cancellationToken);

    /// <summary>Writes an asset through a temp file and an atomic rename.</summary>
    Task WriteAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken);

    Stream OpenRead(string key);

    bool Exists(string key);

    /// <summary>The local path of a key, for zero-copy file responses.</summary>
    string GetFullPath(string key);

    void Delete(string key);

    /// <summary>Free bytes where the assets live, or null when the store cannot tell.</summary>
    long? AvailableFreeSpace();

    /// <summary>Removes temp files left by a crash. Called at start-up.</summary>
    int CleanTempArea();
}
