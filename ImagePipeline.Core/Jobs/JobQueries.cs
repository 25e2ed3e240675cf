using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Jobs;

/// <summary>Admin reads of the queue: filtered pages with counts per status, and one job with its attempt timeline.</summary>
public sealed class JobQueries(IDbContextFactory<PipelineDbContext> contexts)
{
    public async Task<JobPage> ListAsync(JobStatus? status, JobType? type, Guid? imageId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Jobs.AsNoTracking();
        if (status is { } s)
        {
            query = query.Where(j => j.Status == s);
        }

        if (type is { } t)
        {
            query = query.Where(j => j.Type == t);
        }

        if (imageId is { } id)
        {
            query = query.Where(j => j.ImageId == id);
        }

        var total = await query.CountAsync(cancellationToken);
        // With the image, so a row can show what people recognise (file name, thumbnail) rather than an id.
        var items = await query.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).Include(j => j.Image).ToListAsync(cancellationToken);
        return new JobPage(items, total, await CountsAsync(db, cancellationToken));
    }

    public async Task<IReadOnlyDictionary<JobStatus, int>> CountsAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await CountsAsync(db, cancellationToken);
    }

    public async Task<Job?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AsNoTracking().Include(j => j.AttemptLog.OrderBy(a => a.Number).ThenBy(a => a.Id))
            .Include(j => j.Image).FirstOrDefaultAsync(j => j.Id == id, cancellationToken);
    }

    /// <summary>PENDING and PROCESSING counts, read synchronously (for an observable gauge).</summary>
    public IReadOnlyDictionary<JobStatus, int> OpenCounts()
    {
        using var db = contexts.CreateDbContext();
        var counts = db.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Pending || j.Status == JobStatus.Processing)
            .GroupBy(j => j.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToList();
        return new[] { JobStatus.Pending, JobStatus.Processing }.ToDictionary(s => s, s => counts.FirstOrDefault(c => c.Status == s)?.Count ?? 0);
    }

    private static async Task<IReadOnlyDictionary<JobStatus, int>> CountsAsync(PipelineDbContext db, CancellationToken cancellationToken)
    {
        var counts = await db.Jobs.AsNoTracking().GroupBy(j => j.Status).Select(g => new { Status = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return Enum.GetValues<JobStatus>().ToDictionary(s => s, s => counts.FirstOrDefault(c => c.Status == s)?.Count ?? 0);
    }
}
