using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Images;

/// <summary>
/// Reads for the timeline and the trash page: every photo of a viewer in one query (a circuit lays them out and renders
/// only what is in view). Each read takes its own short-lived context, so a long-lived circuit can call it any time.
/// </summary>
public sealed class TimelineQueries(IDbContextFactory<PipelineDbContext> contexts)
{
    /// <summary>The library (not trashed), newest taken first: EXIF capture time, else upload time.</summary>
    public async Task<IReadOnlyList<Image>> ListAsync(Viewer viewer, ImageStatus? status, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Library(db, viewer, status).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The first <paramref name="count"/> photos of <see cref="ListAsync"/> (same filter, same order): what the first
    /// screen shows, for a prerender that must not read the whole library.
    /// </summary>
    public async Task<IReadOnlyList<Image>> FirstScreenAsync(Viewer viewer, ImageStatus? status, int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Library(db, viewer, status).Take(count).ToListAsync(cancellationToken);
    }

    private static IQueryable<Image> Library(PipelineDbContext db, Viewer viewer, ImageStatus? status)
    {
        var query = Visible(db, viewer).Where(i => i.TrashedAt == null);
        if (status is { } s)
        {
            query = query.Where(i => i.Status == s);
        }

        return query.OrderByDescending(i => i.CapturedAt ?? i.CreatedAt).ThenByDescending(i => i.Id);
    }

    /// <summary>The trash, most recently trashed first.</summary>
    public async Task<IReadOnlyList<Image>> TrashAsync(Viewer viewer, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Visible(db, viewer).Where(i => i.TrashedAt != null)
            .OrderByDescending(i => i.TrashedAt).ThenByDescending(i => i.Id).ToListAsync(cancellationToken);
    }

    /// <summary>One photo the viewer can see (trashed or not), or null.</summary>
    public async Task<Image?> FindAsync(Viewer viewer, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Visible(db, viewer).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
    }

    private static IQueryable<Image> Visible(PipelineDbContext db, Viewer viewer) =>
        viewer.IsAdmin ? db.Images.AsNoTracking() : db.Images.AsNoTracking().Where(i => i.OwnerId == viewer.UserId);
}
