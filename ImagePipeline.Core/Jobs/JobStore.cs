using ImagePipeline.Core.Data;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Images;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Jobs;

/// <summary>
/// The claim protocol over the Jobs table — the one place that knows how the queue is stored.
/// Claims, renewals and finishes are single conditional UPDATEs on (Id, Version[, LockedBy]); zero rows affected means
/// another runner won or took the job over, and the caller moves on. Write transactions are short and never span image work.
/// Image status is derived from its jobs in the same transaction as the job change that causes it.
/// </summary>
public sealed class JobStore(IDbContextFactory<PipelineDbContext> contexts, TimeProvider time)
{
    /// <summary>Ready jobs, oldest first: PENDING whose RunAfter has come, or PROCESSING whose lease expired.
    /// A thumbnail waits while its image's preview is open, because it is made from the preview (one decode of the original).</summary>
    public async Task<IReadOnlyList<JobCandidate>> FindCandidatesAsync(TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        var now = Now();
        var expired = now - lease;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pending = db.Jobs.Where(j => j.Status == JobStatus.Pending && j.RunAfter <= now);
        var abandoned = db.Jobs.Where(j => j.Status == JobStatus.Processing && j.LockedAt < expired);
        var ready = await pending
            .Where(j => j.Type != JobType.Thumbnail || !db.Jobs.Any(p => p.ImageId == j.ImageId && p.Type == JobType.Preview
                && (p.Status == JobStatus.Pending || p.Status == JobStatus.Processing)))
            .OrderBy(j => j.RunAfter).Take(limit)
            .Select(j => new JobCandidate(j.Id, j.Version))
            .ToListAsync(cancellationToken);
        if (ready.Count < limit)
        {
            ready.AddRange(await abandoned.OrderBy(j => j.LockedAt).Take(limit - ready.Count)
                .Select(j => new JobCandidate(j.Id, j.Version)).ToListAsync(cancellationToken));
        }

        return ready;
    }

    /// <summary>Claims a candidate if nobody changed it since it was seen. Null: another runner won.</summary>
    public async Task<(JobClaim? Claim, ChangeSet Changes)> TryClaimAsync(JobCandidate candidate, string runnerId, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = Now();
        var expired = now - lease;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.Jobs
            .Where(j => j.Id == candidate.Id && j.Version == candidate.Version
                && ((j.Status == JobStatus.Pending && j.RunAfter <= now) || (j.Status == JobStatus.Processing && j.LockedAt < expired)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Processing)
                .SetProperty(j => j.LockedBy, runnerId)
                .SetProperty(j => j.LockedAt, now)
                .SetProperty(j => j.StartedAt, now)
                .SetProperty(j => j.UpdatedAt, now)
                .SetProperty(j => j.Attempts, j => j.Attempts + 1)
                .SetProperty(j => j.Version, j => j.Version + 1), cancellationToken);
        if (claimed == 0)
        {
            return (null, ChangeSet.Empty);
        }

        // A take-over closes the previous owner's attempt as lost.
        await db.JobAttempts.Where(a => a.JobId == candidate.Id && a.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.EndedAt, now).SetProperty(a => a.Outcome, "LOST")
                .SetProperty(a => a.Error, "Lease expired; taken over by another runner."), cancellationToken);

        var job = await db.Jobs.AsNoTracking().Include(j => j.Image).FirstAsync(j => j.Id == candidate.Id, cancellationToken);
        var attempt = new JobAttempt { JobId = job.Id, Number = job.Attempts, RunnerId = runnerId, StartedAt = now };
        db.JobAttempts.Add(attempt);
        await db.SaveChangesAsync(cancellationToken);
        var imageChange = await DeriveImageStatusAsync(db, job.ImageId, now, cancellationToken);
        await tx.CommitAsync(cancellationToken);

        return (new JobClaim(job, runnerId, attempt.Id), new ChangeSet(JobEvent(job, now), imageChange));
    }

    /// <summary>Extends the lease. False: the job is no longer ours (taken over or finished by someone else).</summary>
    public async Task<bool> RenewAsync(JobClaim claim, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var renewed = await Fenced(db, claim).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.LockedAt, now)
            .SetProperty(j => j.Version, j => j.Version + 1), cancellationToken);
        if (renewed == 1)
        {
            claim.Version++;
        }

        return renewed == 1;
    }

    /// <summary>Marks the job done and records its asset on the image. Null: the lease was lost; the result is discarded.</summary>
    public Task<ChangeSet?> CompleteAsync(JobClaim claim, string assetPath, CancellationToken cancellationToken) =>
        FinishAsync(claim, JobStatus.Completed, "COMPLETED", null, null, async (db, job, now) =>
        {
            var image = db.Images.Where(i => i.Id == job.ImageId);
            _ = job.Type == JobType.Thumbnail
                ? await image.ExecuteUpdateAsync(s => s.SetProperty(i => i.ThumbnailPath, assetPath), cancellationToken)
                : await image.ExecuteUpdateAsync(s => s.SetProperty(i => i.PreviewPath, assetPath), cancellationToken);
        }, cancellationToken);

    /// <summary>Records a failure: back to PENDING after <paramref name="backoff"/> while attempts remain, else FAILED.</summary>
    public Task<ChangeSet?> FailAsync(JobClaim claim, JobFailure failure, TimeSpan backoff, CancellationToken cancellationToken)
    {
        var giveUp = !failure.Retryable || claim.Job.Attempts >= claim.Job.MaxAttempts;
        return FinishAsync(claim, giveUp ? JobStatus.Failed : JobStatus.Pending, giveUp ? "FAILED" : "RETRY", failure, giveUp ? null : backoff, null, cancellationToken);
    }

    /// <summary>Gives a job back unfinished (graceful shutdown): PENDING at once, and the attempt does not count.</summary>
    public Task<ChangeSet?> ReleaseAsync(JobClaim claim, CancellationToken cancellationToken) =>
        FinishAsync(claim, JobStatus.Pending, "RELEASED", null, TimeSpan.Zero, null, cancellationToken, refundAttempt: true);

    private async Task<ChangeSet?> FinishAsync(
        JobClaim claim,
        JobStatus status,
        string outcome,
        JobFailure? failure,
        TimeSpan? retryAfter,
        Func<PipelineDbContext, Job, DateTime, Task>? onSuccess,
        CancellationToken cancellationToken,
        bool refundAttempt = false)
    {
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var finished = await Fenced(db, claim).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, status)
            .SetProperty(j => j.LockedBy, (string?)null)
            .SetProperty(j => j.LockedAt, (DateTime?)null)
            .SetProperty(j => j.UpdatedAt, now)
            .SetProperty(j => j.CompletedAt, status == JobStatus.Pending ? null : now)
            .SetProperty(j => j.RunAfter, j => retryAfter.HasValue ? now + retryAfter.Value : j.RunAfter)
            .SetProperty(j => j.LastError, j => failure != null ? failure.Message : j.LastError)
            .SetProperty(j => j.LastErrorDetail, j => failure != null ? failure.Detail : j.LastErrorDetail)
            .SetProperty(j => j.Attempts, j => refundAttempt ? j.Attempts - 1 : j.Attempts)
            .SetProperty(j => j.Version, j => j.Version + 1), cancellationToken);
        if (finished == 0)
        {
            return null;
        }

        await db.JobAttempts.Where(a => a.Id == claim.AttemptId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.EndedAt, now).SetProperty(a => a.Outcome, outcome)
                .SetProperty(a => a.Error, failure != null ? failure.Message : null), cancellationToken);
        if (onSuccess is not null)
        {
            await onSuccess(db, claim.Job, now);
        }

        var imageChange = await DeriveImageStatusAsync(db, claim.Job.ImageId, now, cancellationToken);
        await tx.CommitAsync(cancellationToken);

        var job = claim.Job;
        var attempts = refundAttempt ? job.Attempts - 1 : job.Attempts;
        return new ChangeSet(
            new JobStatusChangedEvent(job.Id, job.ImageId, job.Type, status, attempts, failure?.Message ?? job.LastError, now) { OwnerId = job.Image?.OwnerId },
            imageChange);
    }

    private static IQueryable<Job> Fenced(PipelineDbContext db, JobClaim claim) =>
        db.Jobs.Where(j => j.Id == claim.JobId && j.LockedBy == claim.RunnerId && j.Version == claim.Version && j.Status == JobStatus.Processing);

    /// <summary>
    /// Image status from its jobs: any FAILED → FAILED; every live job COMPLETED → STORED; any started → PROCESSING;
    /// otherwise unchanged (INGESTED). Idempotent: writes only when the status actually changes.
    /// </summary>
    internal static async Task<ImageStatusChangedEvent?> DeriveImageStatusAsync(PipelineDbContext db, Guid? imageId, DateTime now, CancellationToken cancellationToken)
    {
        if (imageId is null)
        {
            return null;
        }

        var image = await db.Images.AsNoTracking().Where(i => i.Id == imageId)
            .Select(i => new { i.Status, i.OwnerId }).FirstOrDefaultAsync(cancellationToken);
        if (image is null)
        {
            return null;
        }

        var statuses = await db.Jobs.Where(j => j.ImageId == imageId && j.Status != JobStatus.Cancelled)
            .Select(j => new { j.Status, j.Attempts }).ToListAsync(cancellationToken);
        var derived =
            statuses.Any(s => s.Status == JobStatus.Failed) ? ImageStatus.Failed
            : statuses.Count > 0 && statuses.All(s => s.Status == JobStatus.Completed) ? ImageStatus.Stored
            : statuses.Any(s => s.Status is JobStatus.Processing or JobStatus.Completed || s.Attempts > 0)
              || image.Status is ImageStatus.Failed or ImageStatus.Processing ? ImageStatus.Processing
            : image.Status;
        if (derived == image.Status)
        {
            return null;
        }

        await db.Images.Where(i => i.Id == imageId).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.Status, derived)
            .SetProperty(i => i.UpdatedAt, now)
            .SetProperty(i => i.Version, i => i.Version + 1), cancellationToken);
        return new ImageStatusChangedEvent(imageId.Value, derived, now) { OwnerId = image.OwnerId };
    }

    private static JobStatusChangedEvent JobEvent(Job job, DateTime now) =>
        new(job.Id, job.ImageId, job.Type, job.Status, job.Attempts, job.LastError, now) { OwnerId = job.Image?.OwnerId };

    private DateTime Now() => time.GetUtcNow().UtcDateTime;
}
