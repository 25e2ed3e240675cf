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
        var query = Visible(db, viewer).Where(i => i.TrashedAt == null);
        if (status is { } s)
        {
            query = query.Where(i => i.Status == s);
        }

        return await query.OrderByDescending(i => i.CapturedAt ?? i.CreatedAt).ThenByDescending(i => i.Id).ToListAsync(cancellationToken);
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
