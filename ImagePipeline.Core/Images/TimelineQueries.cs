using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Images;

/// <summary>The timeline: every photo of a viewer that is not in the trash, newest taken first, in one light query.</summary>
public sealed class TimelineQueries(IDbContextFactory<PipelineDbContext> contexts)
{
    public async Task<IReadOnlyList<TimelineEntry>> ListAsync(Viewer viewer, ImageStatus? status, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Images.AsNoTracking().Where(i => i.TrashedAt == null);
        if (!viewer.IsAdmin)
        {
            query = query.Where(i => i.OwnerId == viewer.UserId);
        }

        if (status is { } s)
        {
            query = query.Where(i => i.Status == s);
        }

        return await query
            .OrderByDescending(i => i.CapturedAt ?? i.CreatedAt).ThenByDescending(i => i.Id)
            .Select(i => new TimelineEntry(i.Id, i.CapturedAt ?? i.CreatedAt, i.Status, i.OriginalFileName, i.Version, i.ThumbnailPath != null, i.PreviewPath != null, null))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The viewer's trash, most recently trashed first.</summary>
    public async Task<IReadOnlyList<TimelineEntry>> TrashAsync(Viewer viewer, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Images.AsNoTracking().Where(i => i.TrashedAt != null);
        if (!viewer.IsAdmin)
        {
            query = query.Where(i => i.OwnerId == viewer.UserId);
        }

        return await query
            .OrderByDescending(i => i.TrashedAt).ThenByDescending(i => i.Id)
            .Select(i => new TimelineEntry(i.Id, i.CapturedAt ?? i.CreatedAt, i.Status, i.OriginalFileName, i.Version, i.ThumbnailPath != null, i.PreviewPath != null, i.TrashedAt))
            .ToListAsync(cancellationToken);
    }
}
