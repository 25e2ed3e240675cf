using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Images;

/// <summary>Reads of images for a viewer. Someone else's image is simply not found.</summary>
public sealed class ImageQueries(PipelineDbContext db)
{
    public async Task<(IReadOnlyList<Image> Items, int Total)> ListAsync(Viewer viewer, ImageStatus? status, int page, int pageSize, CancellationToken cancellationToken)
    {
        var query = Visible(viewer);
        if (status is { } s)
        {
            query = query.Where(i => i.Status == s);
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (items, total);
    }

    public Task<Image?> FindAsync(Viewer viewer, Guid id, bool withJobs, CancellationToken cancellationToken)
    {
        var query = Visible(viewer);
        if (withJobs)
        {
            query = query.Include(i => i.Jobs.OrderBy(j => j.CreatedAt));
        }

        return query.FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
    }

    private IQueryable<Image> Visible(Viewer viewer) =>
        viewer.IsAdmin ? db.Images.AsNoTracking() : db.Images.AsNoTracking().Where(i => i.OwnerId == viewer.UserId);
}
