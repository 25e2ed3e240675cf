using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Storage;

/// <summary>
/// Clears asset files whose image row does not exist: what a crash between "file moved into place" and "row committed"
/// leaves, a delete interrupted after its commit, or a job that finished for an image deleted meanwhile. Derived assets are
/// deleted (they can be made again); originals are moved into <c>lost+found/</c>, never deleted — after a power loss the row
/// may be what was lost, not the photo. Files younger than <see cref="MinimumAge"/> are left alone, since another instance
/// may be committing them right now. Runs a minute after start and every <c>Pipeline:Runner:OrphanSweepInterval</c> (<see cref="OrphanSweepQuartzJob"/>).
/// </summary>
public sealed class OrphanFileSweeper(IDbContextFactory<PipelineDbContext> contexts, IAssetStorage storage, TimeProvider time)
{
    public static readonly TimeSpan MinimumAge = TimeSpan.FromMinutes(2);

    /// <summary>Returns how many files it deleted or moved to <c>lost+found/</c>.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - MinimumAge;
        var candidates = storage.ListAssets()
            .Select(a => (Asset: a, Parsed: AssetLayout.TryParse(a.Key, out var id, out var kind) ? (Id: id, Kind: kind) : ((Guid Id, AssetKind Kind)?)null))
            .Where(a => a.Parsed is not null && a.Asset.LastModifiedUtc < cutoff)
            .ToList();
        if (candidates.Count == 0)
        {
            return 0;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var known = (await db.Images.AsNoTracking().Select(i => i.Id).ToListAsync(cancellationToken)).ToHashSet();
        var cleared = 0;
        foreach (var (asset, parsed) in candidates)
        {
            var (id, kind) = parsed!.Value;
            if (known.Contains(id))
            {
                continue;
            }

            try
            {
                if (kind == AssetKind.Original)
                {
                    storage.MoveToLostAndFound(asset.Key);
                }
                else
                {
                    storage.Delete(asset.Key);
                }

                cleared++;
            }
            catch (FileNotFoundException)
            {
                // Gone meanwhile (another instance's sweep).
            }
        }

        return cleared;
    }
}
