using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Images;

/// <summary>Reads of images for a viewer. Someone else's image is simply not found.</summary>
public sealed class ImageQueries(PipelineDbContext db)
{
    public Task<(IReadOnlyList<Image> Items, int Total)> ListAsync(Viewer viewer, ImageStatus? status, int page, int pageSize, CancellationToken cancellationToken) =>
        ListAsync(viewer, status, trashed: false, page, pageSize, cancellationToken);

    /// <summary>The library (<paramref name="trashed"/> false) or the trash, newest first (the trash: most recently trashed first).</summary>
    public async Task<(IReadOnlyList<Image> Items, int Total)> ListAsync(Viewer viewer, ImageStatus? status, bool trashed, int page, int pageSize, CancellationToken cancellationToken)
    {
        var query = trashed ? Visible(viewer).Where(i => i.TrashedAt != null) : Visible(viewer).Where(i => i.TrashedAt == null);
        if (status is { } s)
        {
            query = query.Where(i => i.Status == s);
        }

        var total = await query.CountAsync(cancellationToken);
        var ordered = trashed
            ? query.OrderByDescending(i => i.TrashedAt).ThenByDescending(i => i.Id)
            : query.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id);
        var items = await ordered
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

    /// <summary>The images among <paramref name="ids"/> the viewer can see (trashed ones too), in the order asked.</summary>
    public async Task<IReadOnlyList<Image>> FindManyAsync(Viewer viewer, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, Image>();
        foreach (var chunk in ids.Distinct().Chunk(500))
        {
            foreach (var image in await Visible(viewer).Where(i => chunk.Contains(i.Id)).ToListAsync(cancellationToken))
            {
                found[image.Id] = image;
            }
        }

        return [.. ids.Distinct().Where(found.ContainsKey).Select(id => found[id])];
    }

    private IQueryable<Image> Visible(Viewer viewer) =>
        viewer.IsAdmin ? db.Images.AsNoTracking() : db.Images.AsNoTracking().Where(i => i.OwnerId == viewer.UserId);
}
