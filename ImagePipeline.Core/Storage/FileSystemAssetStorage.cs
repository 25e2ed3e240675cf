using ImagePipeline.Core.Configuration;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Storage;

/// <summary>Assets as files under the data directory: the <see cref="AssetLayout"/> folders, <c>lost+found/</c> and <c>tmp/</c>.</summary>
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
        _root = Path.TrimEndingDirectorySeparator(options.Value.DataDirectoryFullPath);
        _tempRoot = Path.Combine(_root, "tmp");
        _tempDirectory = Path.Combine(_tempRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_tempDirectory);
        _lock = new FileStream(Path.Combine(_tempDirectory, LockFileName), FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        foreach (var folder in AssetLayout.Folders)
        {
            Directory.CreateDirectory(Path.Combine(_root, folder));
        }
    }

    public string KeyFor(Guid imageId, AssetKind kind, string extension) => AssetLayout.Key(imageId, kind, extension);

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
        var target = FullPath(key);
        File.Move(temp.Path, target, overwrite: true);
        temp.Promoted = true;
        // The rename is only durable once the folder's entry is: without this a power loss can lose a committed file.
        Durability.SyncDirectory(Path.GetDirectoryName(target)!);
        return Task.CompletedTask;
    }

    public async Task WriteAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        using var temp = CreateTempFile();
        await using (var stream = new FileStream(temp.Path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true))
        {
            await write(stream, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        await PromoteAsync(temp, key, cancellationToken);
    }

    public Stream OpenRead(string key) =>
        new FileStream(FullPath(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true);

    public bool Exists(string key) => File.Exists(FullPath(key));

    public AssetInfo? GetInfo(string key)
    {
        var info = new FileInfo(FullPath(key));
        return info.Exists ? new AssetInfo(key, info.Length, info.LastWriteTimeUtc) : null;
    }

    public void Delete(string key)
    {
        var path = FullPath(key);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    public int DeleteAssets(Guid imageId)
    {
        var count = 0;
        foreach (var folder in AssetLayout.Folders)
        {
            var directory = Path.Combine(_root, folder);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(directory, $"{imageId:N}.*"))
            {
                count += TryDelete(file) ? 1 : 0;
            }
        }

        return count;
    }

    public IEnumerable<AssetInfo> ListAssets() =>
        AssetLayout.Folders.SelectMany(folder => List(folder));

    public void MoveToLostAndFound(string key)
    {
        var source = FullPath(key);
        var folder = Path.Combine(_root, AssetLayout.LostAndFoundFolder);
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, Path.GetFileName(source));
        if (File.Exists(target))
        {
            target = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(source)}-{Guid.NewGuid():N}{Path.GetExtension(source)}");
        }

        File.Move(source, target);
        Durability.SyncDirectory(folder);
    }

    public IReadOnlyList<AssetInfo> ListLostAndFound() =>
        [.. List(AssetLayout.LostAndFoundFolder).OrderByDescending(a => a.LastModifiedUtc).ThenBy(a => a.Key, StringComparer.Ordinal)];

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

    /// <summary>The local path of a key, which must be relative and stay inside the data directory.</summary>
    private string FullPath(string key)
    {
        if (string.IsNullOrWhiteSpace(key) || Path.IsPathRooted(key))
        {
            throw new ArgumentException("A storage key is a relative path inside the store.", nameof(key));
        }

        var full = Path.GetFullPath(Path.Combine(_root, key));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException("Storage key escapes the data directory.", nameof(key));
        }

        return full;
    }

    private IEnumerable<AssetInfo> List(string folder)
    {
        var directory = Path.Combine(_root, folder);
        if (!Directory.Exists(directory))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(directory))
        {
            var info = new FileInfo(file);
            if (info.Exists)
            {
                yield return new AssetInfo($"{folder}/{info.Name}", info.Length, info.LastWriteTimeUtc);
            }
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
