using System.Formats.Tar;
using System.Text.Json;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Storage;

namespace ImagePipeline.Web.Hosting;

/// <summary>
/// A backup is one tar file: <c>pipeline.db</c> (an online SQLite backup, consistent while the app runs), the asset
/// folders <c>originals/</c>, <c>previews/</c>, <c>thumbnails/</c>, <c>lost+found/</c>, and <c>manifest.json</c> (every file with its size).
/// Restoring is unpacking it into an empty data directory (<c>restore</c>, or <c>tar -xf backup.tar -C data</c>).
/// </summary>
public static class BackupArchive
{
    public const string DatabaseEntry = "pipeline.db";
    public const string ManifestEntry = "manifest.json";
    /// <summary>The asset folders (the store's layout) and <c>lost+found/</c>, whose originals are kept until a person decides.</summary>
    public static readonly string[] AssetFolders = [.. AssetLayout.Folders, AssetLayout.LostAndFoundFolder];

    public static async Task<BackupManifest> CreateAsync(string connectionString, string dataDirectory, string destination, CancellationToken cancellationToken)
    {
        destination = Path.GetFullPath(destination);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var snapshot = $"{destination}.{Guid.NewGuid():N}.db";
        var partial = $"{destination}.partial";
        try
        {
            // The database first: files written after this moment are extra (harmless), never missing for a row it holds.
            await DatabaseInitializer.BackupAsync(connectionString, snapshot, cancellationToken);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var files = new List<BackupFile> { new(DatabaseEntry, new FileInfo(snapshot).Length) };
            await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            await using (var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: false))
            {
                await tar.WriteEntryAsync(snapshot, DatabaseEntry, cancellationToken);
                foreach (var folder in AssetFolders)
                {
                    var root = Path.Combine(dataDirectory, folder);
                    if (!Directory.Exists(root))
                    {
                        continue;
                    }

                    foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    {
                        var name = Path.GetRelativePath(dataDirectory, file).Replace('\\', '/');
                        try
                        {
                            var length = new FileInfo(file).Length;
                            await tar.WriteEntryAsync(file, name, cancellationToken);
                            files.Add(new BackupFile(name, length));
                        }
                        catch (FileNotFoundException)
                        {
                            // Deleted while we were copying: it is not in the database snapshot's future either.
                        }
                    }
                }

                var manifest = new BackupManifest(DateTimeOffset.UtcNow, Usage.Version, files);
                var entry = new PaxTarEntry(TarEntryType.RegularFile, ManifestEntry)
                {
                    DataStream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, BackupManifest.JsonOptions)),
                };
                await tar.WriteEntryAsync(entry, cancellationToken);
                File.Move(partial, destination, overwrite: true);
                return manifest;
            }
        }
        finally
        {
            File.Delete(snapshot);
            File.Delete(partial);
        }
    }

    /// <summary>Unpacks a backup into <paramref name="dataDirectory"/>, which must not hold a database yet.</summary>
    public static async Task<int> RestoreAsync(string archive, string dataDirectory, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(dataDirectory, DatabaseEntry)))
        {
            throw new InvalidOperationException($"{dataDirectory} already holds a database; restore into an empty data directory.");
        }

        Directory.CreateDirectory(dataDirectory);
        var count = 0;
        await using var input = File.OpenRead(archive);
        await using var tar = new TarReader(input);
        while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.Name == ManifestEntry)
            {
                continue;
            }

            var target = Path.GetFullPath(Path.Combine(dataDirectory, entry.Name));
            if (!target.StartsWith(Path.GetFullPath(dataDirectory) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"Backup entry '{entry.Name}' points outside the data directory.");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await entry.ExtractToFileAsync(target, overwrite: false, cancellationToken);
            count++;
        }

        return count;
    }
}
