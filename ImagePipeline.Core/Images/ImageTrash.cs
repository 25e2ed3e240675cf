using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Images;

/// <summary>
/// Moves photos to the trash and back. A trashed photo leaves the timeline, lists and albums' views but keeps its
/// files until <see cref="TrashPurger"/> deletes it after the retention. Ids the viewer cannot see are ignored.
/// </summary>
public sealed class ImageTrash(IDbContextFactory<PipelineDbContext> contexts, TimeProvider time)
{
    /// <summary>Most ids one call takes.</summary>
    public const int MaxIds = 10_000;

    public async Task<int> TrashAsync(Viewer viewer, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await UpdateAsync(viewer, ids, inTrash: false, q => q.ExecuteUpdateAsync(
            s => s.SetProperty(i => i.TrashedAt, now).SetProperty(i => i.UpdatedAt, now).SetProperty(i => i.Version, i => i.Version + 1),
            cancellationToken), cancellationToken);
    }

    public async Task<int> RestoreAsync(Viewer viewer, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await UpdateAsync(viewer, ids, inTrash: true, q => q.ExecuteUpdateAsync(
            s => s.SetProperty(i => i.TrashedAt, (DateTime?)null).SetProperty(i => i.UpdatedAt, now).SetProperty(i => i.Version, i => i.Version + 1),
            cancellationToken), cancellationToken);
    }

    private async Task<int> UpdateAsync(Viewer viewer, IReadOnlyCollection<Guid> ids, bool inTrash, Func<IQueryable<Image>, Task<int>> update, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var count = 0;
        foreach (var chunk in ids.Distinct().Chunk(500))
        {
            var query = db.Images.Where(i => chunk.Contains(i.Id) && (inTrash ? i.TrashedAt != null : i.TrashedAt == null));
            if (!viewer.IsAdmin)
            {
                query = query.Where(i => i.OwnerId == viewer.UserId);
            }

            count += await update(query);
        }

        return count;
    }
}
