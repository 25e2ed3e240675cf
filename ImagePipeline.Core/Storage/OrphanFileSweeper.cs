using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Storage;

/// <summary>
/// Removes asset files whose image row does not exist: what a crash between "file moved into place" and "row committed"
/// leaves, or a delete interrupted after its commit. Files younger than <see cref="MinimumAge"/> are left alone, since
/// another instance may be committing them right now.
/// </summary>
public sealed class OrphanFileSweeper(IDbContextFactory<PipelineDbContext> contexts, IOptions<PipelineOptions> options, TimeProvider time)
{
    public static readonly TimeSpan MinimumAge = TimeSpan.FromMinutes(2);

    private static readonly string[] Folders = ["originals", "previews", "thumbnails"];

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var root = options.Value.DataDirectoryFullPath;
        var files = Folders.Select(f => Path.Combine(root, f)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d))
            .Select(path => (Path: path, Id: Guid.TryParseExact(Path.GetFileNameWithoutExtension(path), "N", out var id) ? id : (Guid?)null))
            .Where(f => f.Id is not null)
            .ToList();
        if (files.Count == 0)
        {
            return 0;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var known = (await db.Images.AsNoTracking().Select(i => i.Id).ToListAsync(cancellationToken)).ToHashSet();
        var cutoff = time.GetUtcNow().UtcDateTime - MinimumAge;
        var removed = 0;
        foreach (var (path, id) in files)
        {
            if (!known.Contains(id!.Value) && File.GetLastWriteTimeUtc(path) < cutoff)
            {
                File.Delete(path);
                removed++;
            }
        }

        return removed;
    }
}
