namespace ImagePipeline.Core.Storage;

/// <summary>
/// Where originals and derived assets live, addressed by key only (see <see cref="AssetLayout"/>): no local path leaves
/// the store, and every key stays inside it, so an object store can stand behind the same interface.
/// Writes go to a temp file first and are moved into place atomically and durably, so a crash or a power loss never
/// leaves a half file under a final key, nor loses a file whose row was committed.
/// </summary>
public interface IAssetStorage
{
    /// <summary>The key an asset of an image is stored under (<c>originals/{id}.jpg</c>).</summary>
    string KeyFor(Guid imageId, AssetKind kind, string extension);

    /// <summary>A new, empty temp file in the store's staging area (same filesystem, so moves are atomic).</summary>
    TempFile CreateTempFile();

    /// <summary>Moves a finished temp file to its final key, replacing what is there; on disk (with its folder entry) when it returns.</summary>
    Task PromoteAsync(TempFile temp, string key, CancellationToken cancellationToken);

    /// <summary>Writes an asset through a temp file, an fsync and an atomic rename.</summary>
    Task WriteAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken);

    /// <summary>A seekable read stream of a stored asset.</summary>
    Stream OpenRead(string key);

    bool Exists(string key);

    /// <summary>Size and last change of an asset, or null if there is none under the key.</summary>
    AssetInfo? GetInfo(string key);

    void Delete(string key);

    /// <summary>Deletes every asset of every kind an image has or may get (whatever its extension). Returns how many.</summary>
    int DeleteAssets(Guid imageId);

    /// <summary>Every stored asset of the layout's kinds.</summary>
    IEnumerable<AssetInfo> ListAssets();

    /// <summary>Moves an asset into <c>lost+found/</c> (kept, never deleted by the app).</summary>
    void MoveToLostAndFound(string key);

    /// <summary>What is in <c>lost+found/</c>, newest first.</summary>
    IReadOnlyList<AssetInfo> ListLostAndFound();

    /// <summary>Free bytes where the assets live, or null when the store cannot tell.</summary>
    long? AvailableFreeSpace();

    /// <summary>Removes temp files left by a crash. Called at start-up.</summary>
    int CleanTempArea();
}
