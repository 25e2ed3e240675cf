using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Images;

/// <summary>
/// Reads of images for a viewer. Someone else's image is simply not found. Every read takes its own short-lived context
/// from the factory (like <see cref="Jobs.JobQueries"/>), so one instance serves requests, hubs and long-lived Blazor circuits.
/// </summary>
public sealed class ImageQueries(IDbContextFactory<PipelineDbContext> contexts)
{
    public Task<(IReadOnlyList<Image> Items, int Total)> ListAsync(Viewer viewer, ImageStatus? status, int page, int pageSize, CancellationToken cancellationToken) =>
        ListAsync(viewer, status, trashed: false, page, pageSize, cancellationToken);

    /// <summary>The library (<paramref name="trashed"/> false) or the trash, newest first (the trash: most recently trashed first).</summary>
    public async Task<(IReadOnlyList<Image> Items, int Total)> ListAsync(Viewer viewer, ImageStatus? status, bool trashed, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = trashed ? Visible(db, viewer).Where(i => i.TrashedAt != null) : Visible(db, viewer).Where(i => i.TrashedAt == null);
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

    public async Task<Image?> FindAsync(Viewer viewer, Guid id, bool withJobs, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = Visible(db, viewer);
        if (withJobs)
        {
            query = query.Include(i => i.Jobs.OrderBy(j => j.CreatedAt));
        }

        return await query.FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
    }

    /// <summary>Those of <paramref name="ids"/> the viewer may see.</summary>
    public async Task<IReadOnlyList<Guid>> VisibleIdsAsync(Viewer viewer, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Visible(db, viewer).Where(i => ids.Contains(i.Id)).Select(i => i.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The images among <paramref name="ids"/> the viewer can see (trashed ones too), in the order asked.</summary>
    public async Task<IReadOnlyList<Image>> FindManyAsync(Viewer viewer, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var found = new Dictionary<Guid, Image>();
        foreach (var chunk in ids.Distinct().Chunk(500))
        {
            foreach (var image in await Visible(db, viewer).Where(i => chunk.Contains(i.Id)).ToListAsync(cancellationToken))
            {
                found[image.Id] = image;
            }
        }

        return [.. ids.Distinct().Where(found.ContainsKey).Select(id => found[id])];
    }

    /// <summary>
    /// Which of <paramref name="sha256s"/> (lowercase hex) the owner already has, with the image's id: the upload's own duplicate
    /// test (per owner, the trash included), asked ahead for a batch so a browser can skip sending them. Never another user's.
    /// </summary>
    public async Task<IReadOnlyList<(string Sha256, Guid ImageId)>> OwnedBySha256Async(string ownerId, IReadOnlyCollection<string> sha256s, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var wanted = sha256s.Distinct(StringComparer.Ordinal).ToList();
        var found = await db.Images.AsNoTracking().Where(i => i.OwnerId == ownerId && wanted.Contains(i.Sha256!))
            .Select(i => new { i.Sha256, i.Id }).ToListAsync(cancellationToken);
        return [.. found.Select(f => (f.Sha256!, f.Id))];
    }

    private static IQueryable<Image> Visible(PipelineDbContext db, Viewer viewer) =>
        viewer.IsAdmin ? db.Images.AsNoTracking() : db.Images.AsNoTracking().Where(i => i.OwnerId == viewer.UserId);
}
