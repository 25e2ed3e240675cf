using ImagePipeline.Core.Data;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Images;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Jobs;

/// <summary>What an admin can do to the queue: retry, cancel, retry all failed, pause/resume, back-fill missing assets.</summary>
public sealed class JobAdmin(IDbContextFactory<PipelineDbContext> contexts, JobFactory factory, IPipelineEventPublisher events, IRunnerWakeup wakeup, TimeProvider time)
{
    /// <summary>FAILED (or CANCELLED) → PENDING with attempts reset. False if the job is not in a retryable state.</summary>
    public async Task<bool> RetryAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var retried = await ResetAsync(j => j.Id == jobId, cancellationToken);
        return retried > 0;
    }

    /// <summary>Every FAILED job back to PENDING. Returns how many.</summary>
    public Task<int> RetryFailedAsync(CancellationToken cancellationToken) =>
        ResetAsync(j => j.Status == JobStatus.Failed, cancellationToken);

    /// <summary>PENDING → CANCELLED. False if the job is not pending.</summary>
    public async Task<bool> CancelAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().Include(j => j.Image).FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null)
        {
            return false;
        }

        var cancelled = await db.Jobs.Where(j => j.Id == jobId && j.Status == JobStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Cancelled).SetProperty(j => j.UpdatedAt, now)
                .SetProperty(j => j.Version, j => j.Version + 1), cancellationToken);
        if (cancelled == 0)
        {
            return false;
        }

        var imageChange = await JobStore.DeriveImageStatusAsync(db, job.ImageId, now, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        await events.PublishAsync(new JobStatusChangedEvent(job.Id, job.ImageId, job.Type, JobStatus.Cancelled, job.Attempts, job.LastError, now) { OwnerId = job.Image?.OwnerId }, cancellationToken);
        if (imageChange is not null)
        {
            await events.PublishAsync(imageChange, cancellationToken);
        }

        return true;
    }

    public Task SetPausedAsync(bool paused, CancellationToken cancellationToken) => SetPausedCoreAsync(paused, cancellationToken);

    public async Task<bool> IsPausedAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.RunnerSettings.AnyAsync(s => s.Key == RunnerSetting.PausedKey && s.Value == "true", cancellationToken);
    }

    /// <summary>
    /// Enqueues the missing THUMBNAIL/PREVIEW jobs of images that lack an asset, <paramref name="batchSize"/> images at a time.
    /// Idempotent: an image that already has an open (PENDING or PROCESSING) job of a type gets no second one.
    /// </summary>
    public async Task<BackfillResult> BackfillAsync(int batchSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var needing = NeedingJobs(db);
        var batch = await needing.OrderBy(i => i.CreatedAt).Take(batchSize)
            .Select(i => new
            {
                i.Id,
                i.OwnerId,
                NeedsThumbnail = i.ThumbnailPath == null && !i.Jobs.Any(j => j.Type == JobType.Thumbnail && (j.Status == JobStatus.Pending || j.Status == JobStatus.Processing)),
                NeedsPreview = i.PreviewPath == null && !i.Jobs.Any(j => j.Type == JobType.Preview && (j.Status == JobStatus.Pending || j.Status == JobStatus.Processing)),
            })
            .ToListAsync(cancellationToken);

        var created = new List<(Job Job, string? OwnerId)>();
        foreach (var image in batch)
        {
            if (image.NeedsPreview)
            {
                created.Add((factory.Create(image.Id, JobType.Preview), image.OwnerId));
            }

            if (image.NeedsThumbnail)
            {
                created.Add((factory.Create(image.Id, JobType.Thumbnail), image.OwnerId));
            }
        }

        db.Jobs.AddRange(created.Select(c => c.Job));
        await db.SaveChangesAsync(cancellationToken);
        var remaining = await NeedingJobs(db).CountAsync(cancellationToken);

        foreach (var (job, ownerId) in created)
        {
            await events.PublishAsync(new JobStatusChangedEvent(job.Id, job.ImageId, job.Type, job.Status, 0, null, job.CreatedAt) { OwnerId = ownerId }, cancellationToken);
        }

        if (created.Count > 0)
        {
            wakeup.Wake();
        }

        return new BackfillResult(created.Count, batch.Count, remaining);
    }

    private static IQueryable<Image> NeedingJobs(PipelineDbContext db) =>
        db.Images.Where(i =>
            (i.ThumbnailPath == null && !i.Jobs.Any(j => j.Type == JobType.Thumbnail && (j.Status == JobStatus.Pending || j.Status == JobStatus.Processing)))
            || (i.PreviewPath == null && !i.Jobs.Any(j => j.Type == JobType.Preview && (j.Status == JobStatus.Pending || j.Status == JobStatus.Processing))));

    private async Task<int> ResetAsync(System.Linq.Expressions.Expression<Func<Job, bool>> which, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var jobs = await db.Jobs.AsNoTracking().Include(j => j.Image).Where(which)
            .Where(j => j.Status == JobStatus.Failed || j.Status == JobStatus.Cancelled).ToListAsync(cancellationToken);
        var changed = 0;
        foreach (var job in jobs)
        {
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            var reset = await db.Jobs.Where(j => j.Id == job.Id && j.Version == job.Version)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Pending).SetProperty(j => j.Attempts, 0)
                    .SetProperty(j => j.RunAfter, now).SetProperty(j => j.UpdatedAt, now).SetProperty(j => j.CompletedAt, (DateTime?)null)
                    .SetProperty(j => j.Version, j => j.Version + 1), cancellationToken);
            if (reset == 0)
            {
                continue;
            }

            var imageChange = await JobStore.DeriveImageStatusAsync(db, job.ImageId, now, cancellationToken);
            await tx.CommitAsync(cancellationToken);
            changed++;
            await events.PublishAsync(new JobStatusChangedEvent(job.Id, job.ImageId, job.Type, JobStatus.Pending, 0, job.LastError, now) { OwnerId = job.Image?.OwnerId }, cancellationToken);
            if (imageChange is not null)
            {
                await events.PublishAsync(imageChange, cancellationToken);
            }
        }

        if (changed > 0)
        {
            wakeup.Wake();
        }

        return changed;
    }

    private async Task SetPausedCoreAsync(bool paused, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var setting = await db.RunnerSettings.FindAsync([RunnerSetting.PausedKey], cancellationToken);
        if (setting is null)
        {
            db.RunnerSettings.Add(new RunnerSetting { Key = RunnerSetting.PausedKey, Value = paused ? "true" : "false" });
        }
        else
        {
            setting.Value = paused ? "true" : "false";
        }

        await db.SaveChangesAsync(cancellationToken);
        if (!paused)
        {
            wakeup.Wake();
        }
    }

    private DateTime Now() => time.GetUtcNow().UtcDateTime;
}
