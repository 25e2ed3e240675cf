using ImagePipeline.Core.Configuration;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Storage;

/// <summary>Assets as files under the data directory: <c>originals/</c>, <c>thumbnails/</c>, <c>previews/</c> and <c>tmp/</c>.</summary>
/// <remarks>
/// Each instance writes temp files in its own folder under <c>tmp/</c>, held by an exclusive lock file for the life of
/// the process, so start-up can sweep what a crashed instance left without touching a live instance's uploads.
/// </remarks>
public sealed class FileSystemAssetStorage : IAssetStorage, IDisposable
{
    private const string LockFileName = ".lock";
    private readonly string _root;
    private readonly string _tempRoot;
    private readonly string _tempDirectory;
    private readonly FileStream _lock;

    public FileSystemAssetStorage(IOptions<PipelineOptions> options)
    {
        _root = options.Value.DataDirectoryFullPath;
        _tempRoot = Path.Combine(_root, "tmp");
        _tempDirectory = Path.Combine(_tempRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_tempDirectory);
        _lock = new FileStream(Path.Combine(_tempDirectory, LockFileName), FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        foreach (var folder in new[] { "originals", "thumbnails", "previews" })
        {
            Directory.CreateDirectory(Path.Combine(_root, folder));
        }
    }

    public string KeyFor(Guid imageId, AssetKind kind, string extension)
    {
        var folder = kind switch
        {
            AssetKind.Original => "originals",
            AssetKind.Thumbnail => "thumbnails",
            AssetKind.Preview => "previews",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        return $"{folder}/{imageId:N}.{extension.TrimStart('.').ToLowerInvariant()}";
    }

    public TempFile CreateTempFile()
    {
        var path = Path.Combine(_tempDirectory, $"{Guid.NewGuid():N}.part");
        using (File.Create(path))
        {
        }

        return new TempFile(path);
    }

    public Task PromoteAsync(TempFile temp, string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        File.Move(temp.Path, GetFullPath(key), overwrite: true);
        temp.Promoted = true;
        return Task.CompletedTask;
    }

    public async Task WriteAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        using var temp = CreateTempFile();
        await using (var stream = new FileStream(temp.Path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
        {
            await write(stream, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }

        await PromoteAsync(temp, key, cancellationToken);
    }

    public Stream OpenRead(string key) =>
        new FileStream(GetFullPath(key), FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);

    public bool Exists(string key) => File.Exists(GetFullPath(key));

    public string GetFullPath(string key)
    {
        var full = Path.GetFullPath(Path.IsPathRooted(key) ? key : Path.Combine(_root, key));
        if (!Path.IsPathRooted(key) && !full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException("Storage key escapes the data directory.", nameof(key));
        }

        return full;
    }

    public void Delete(string key)
    {
        var path = GetFullPath(key);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    public long? AvailableFreeSpace()
    {
        try
        {
            return new DriveInfo(_root).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public int CleanTempArea()
    {
        var count = 0;
        foreach (var file in Directory.EnumerateFiles(_tempRoot))
        {
            count += TryDelete(file) ? 1 : 0;
        }

        foreach (var directory in Directory.EnumerateDirectories(_tempRoot))
        {
            if (string.Equals(directory, _tempDirectory, StringComparison.Ordinal) || IsHeldByLiveInstance(directory))
            {
                continue;
            }

            count += Directory.EnumerateFiles(directory).Count(f => !f.EndsWith(LockFileName, StringComparison.Ordinal));
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // Raced with another sweeper; whoever is first wins.
            }
        }

        return count;
    }

    public void Dispose()
    {
        _lock.Dispose();
        try
        {
            Directory.Delete(_tempDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Swept at the next start-up.
        }
    }

    private static bool IsHeldByLiveInstance(string directory)
    {
        var lockPath = Path.Combine(directory, LockFileName);
        if (!File.Exists(lockPath))
        {
            // Being created this very moment, or left without a lock: only sweep it once it is old.
            return Directory.GetCreationTimeUtc(directory) > DateTime.UtcNow.AddMinutes(-10);
        }

        try
        {
            using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static bool TryDelete(string file)
    {
        try
        {
            File.Delete(file);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
