using System.Linq.Expressions;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Images;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Jobs;

/// <summary>
/// The queue's one file: every state change of a job — claim, renew, complete, fail, release, take-over of a poison job,
/// cancel, retry, reset, back-fill — and the runner's pause flag. A PostgreSQL variant of the queue replaces this class.
/// Claims, renewals and finishes are single conditional UPDATEs on (Id, Version[, LockedBy]); zero rows affected means
/// another runner won or took the job over, and the caller moves on. Write transactions are short and never span image work.
/// Image status is derived from its jobs in the same transaction as the job change that causes it.
/// Every change returns the <see cref="ChangeSet"/> it caused; the caller publishes it after the commit.
/// </summary>
public sealed class JobStore(IDbContextFactory<PipelineDbContext> contexts, JobFactory factory, TimeProvider time, WalCheckpointer checkpointer)
{
    private const string PausedValue = "true";
    private const string RunningValue = "false";

    /// <summary>The one expression for an open job: PENDING or PROCESSING.</summary>
    public static readonly Expression<Func<Job, bool>> IsOpen = j => j.Status == JobStatus.Pending || j.Status == JobStatus.Processing;

    /// <summary>Ready jobs, oldest first: PENDING whose RunAfter has come, or PROCESSING whose lease expired.
    /// A thumbnail waits while its image's preview is open, because it is made from the preview (one decode of the original).</summary>
    public async Task<IReadOnlyList<JobCandidate>> FindCandidatesAsync(TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        var now = Now();
        var expired = now - lease;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var open = db.Jobs.Where(IsOpen);
        var ready = await db.Jobs.Where(j => j.Status == JobStatus.Pending && j.RunAfter <= now)
            .Where(j => j.Type != JobType.Thumbnail || !open.Any(p => p.ImageId == j.ImageId && p.Type == JobType.Preview))
            .OrderBy(j => j.RunAfter).Take(limit)
            .Select(j => new JobCandidate(j.Id, j.Version))
            .ToListAsync(cancellationToken);
        if (ready.Count < limit)
        {
            ready.AddRange(await db.Jobs.Where(j => j.Status == JobStatus.Processing && j.LockedAt < expired)
                .OrderBy(j => j.LockedAt).Take(limit - ready.Count)
                .Select(j => new JobCandidate(j.Id, j.Version)).ToListAsync(cancellationToken));
        }

        return ready;
    }

    /// <summary>
    /// Claims a candidate if nobody changed it since it was seen. Null claim: another runner won, or the candidate was an
    /// expired lease of a job that has used all its attempts — the process died running it each time — which is marked
    /// FAILED instead of being run again (its changes are returned).
    /// Four statements in one short transaction (on PostgreSQL four round trips; BEGIN travels with the first): read the
    /// candidate with its image at the version seen, the conditional UPDATE on (Id, Version, claimable) that is the claim
    /// itself, the attempt's row, and the image's status (<see cref="ClaimedImageStatusAsync"/>).
    /// </summary>
    public async Task<(JobClaim? Claim, ChangeSet Changes)> TryClaimAsync(JobCandidate candidate, string runnerId, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = Now();
        var expired = now - lease;
        await using var db = await RunnerContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        // The job as the claim will hand it over (the handler needs its image), read at the version seen: a different version
        // means another runner won. The read also tells a take-over from a fresh claim and finds a poisoned job without a
        // second query. It is only a hint: the UPDATE below decides, by the version in its WHERE.
        var job = await db.Jobs.AsNoTracking().Include(j => j.Image)
            .FirstOrDefaultAsync(j => j.Id == candidate.Id && j.Version == candidate.Version, cancellationToken);
        if (job is null)
        {
            return (null, ChangeSet.Empty);
        }

        var takeOver = job.Status == JobStatus.Processing && job.LockedAt < expired;
        if (takeOver && job.Attempts >= job.MaxAttempts)
        {
            return (null, await FailPoisonedAsync(db, tx, candidate, job.Attempts, now, cancellationToken));
        }

        if (!takeOver && !(job.Status == JobStatus.Pending && job.RunAfter <= now))
        {
            return (null, ChangeSet.Empty);
        }

        // The claim itself: ready PENDING, or an expired lease with attempts left, still at the version seen.
        var claimed = await db.Jobs
            .Where(j => j.Id == candidate.Id && j.Version == candidate.Version
                && ((j.Status == JobStatus.Pending && j.RunAfter <= now)
                    || (j.Status == JobStatus.Processing && j.LockedAt < expired && j.Attempts < j.MaxAttempts)))
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

        if (takeOver)
        {
            // A take-over closes the previous owner's attempt as lost. (A PENDING job has no open attempt: every finish,
            // release and poisoning closes its attempt in the same transaction.)
            await CloseLostAttemptsAsync(db, candidate.Id, now, "Lease expired; taken over by another runner.", cancellationToken);
        }

        job.Status = JobStatus.Processing;
        job.LockedBy = runnerId;
        job.LockedAt = now;
        job.StartedAt = now;
        job.UpdatedAt = now;
        job.Attempts++;
        job.Version++;
        var attempt = new JobAttempt { JobId = job.Id, Number = job.Attempts, RunnerId = runnerId, StartedAt = now };
        db.JobAttempts.Add(attempt);
        await db.SaveChangesAsync(cancellationToken);
        var imageChange = await ClaimedImageStatusAsync(db, job, now, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        RunnerCommitted(db);

        return (new JobClaim(job, runnerId, attempt.Id), new ChangeSet(JobStatusChangedEvent.Of(job, job.Image?.OwnerId, now), imageChange));
    }

    /// <summary>
    /// Extends the lease. False (zero rows): the job is no longer ours (taken over or finished by someone else).
    /// A database error is thrown, not taken for a lost lease: the caller retries it.
    /// </summary>
    public async Task<bool> RenewAsync(JobClaim claim, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var db = await RunnerContextAsync(cancellationToken);
        var renewed = await Fenced(db, claim).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.LockedAt, now)
            .SetProperty(j => j.Version, j => j.Version + 1), cancellationToken);
        RunnerCommitted(db);
        if (renewed == 1)
        {
            claim.Version++;
        }

        return renewed == 1;
    }

    /// <summary>Marks the job done and records its asset on the image. Null: the lease was lost (or the image deleted); the result is discarded.</summary>
    public Task<ChangeSet?> CompleteAsync(JobClaim claim, string assetKey, CancellationToken cancellationToken) =>
        FinishAsync(claim, JobStatus.Completed, "COMPLETED", null, null, async (db, job, now) =>
        {
            var image = db.Images.Where(i => i.Id == job.ImageId);
            _ = job.Type == JobType.Thumbnail
                ? await image.ExecuteUpdateAsync(s => s.SetProperty(i => i.ThumbnailPath, assetKey), cancellationToken)
                : await image.ExecuteUpdateAsync(s => s.SetProperty(i => i.PreviewPath, assetKey), cancellationToken);
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

    /// <summary>PENDING → CANCELLED. Null if there is no such job or it is not pending.</summary>
    public async Task<ChangeSet?> CancelAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().Include(j => j.Image).FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null)
        {
            return null;
        }

        var cancelled = await db.Jobs.Where(j => j.Id == jobId && j.Version == job.Version && j.Status == JobStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Cancelled).SetProperty(j => j.UpdatedAt, now)
                .SetProperty(j => j.Version, j => j.Version + 1), cancellationToken);
        if (cancelled == 0)
        {
            return null;
        }

        var imageChange = await DeriveImageStatusAsync(db, job.ImageId, now, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        job.Status = JobStatus.Cancelled;
        return new ChangeSet(JobStatusChangedEvent.Of(job, job.Image?.OwnerId, now), imageChange);
    }

    /// <summary>FAILED or CANCELLED jobs matching <paramref name="which"/> → PENDING with attempts reset, in one transaction.</summary>
    public async Task<(int Count, ChangeSet Changes)> RetryAsync(Expression<Func<Job, bool>> which, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var changes = await ResetAsync(db, which, now, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return (changes.Jobs.Count, changes);
    }

    /// <summary>
    /// Retries the FAILED or CANCELLED jobs of one image. With <paramref name="ownerRetryLimit"/> (an owner, not an admin),
    /// the image's owner-retry count must be below it and is counted up in the same transaction.
    /// </summary>
    public async Task<(ImageRetryOutcome Outcome, ChangeSet Changes)> RetryImageAsync(Guid imageId, int? ownerRetryLimit, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.Jobs.AnyAsync(j => j.ImageId == imageId && (j.Status == JobStatus.Failed || j.Status == JobStatus.Cancelled), cancellationToken))
        {
            return (ImageRetryOutcome.NothingToRetry, ChangeSet.Empty);
        }

        if (ownerRetryLimit is { } limit
            && await db.Images.Where(i => i.Id == imageId && i.OwnerRetries < limit)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.OwnerRetries, i => i.OwnerRetries + 1), cancellationToken) == 0)
        {
            return (ImageRetryOutcome.LimitReached, ChangeSet.Empty);
        }

        var changes = await ResetAsync(db, j => j.ImageId == imageId, now, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return (changes.Jobs.Count > 0 ? ImageRetryOutcome.Retried : ImageRetryOutcome.NothingToRetry, changes);
    }

    public async Task<bool> IsPausedAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var value = await db.RunnerSettings.AsNoTracking().Where(s => s.Key == RunnerSetting.PausedKey)
            .Select(s => s.Value).FirstOrDefaultAsync(cancellationToken);
        return value == PausedValue;
    }

    public async Task SetPausedAsync(bool paused, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var value = paused ? PausedValue : RunningValue;
        var setting = await db.RunnerSettings.FindAsync([RunnerSetting.PausedKey], cancellationToken);
        if (setting is null)
        {
            db.RunnerSettings.Add(new RunnerSetting { Key = RunnerSetting.PausedKey, Value = value });
        }
        else
        {
            setting.Value = value;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Gives the images that lack an asset and have no open job for it a PENDING job, <paramref name="batchSize"/> images at
    /// a time, in one transaction: an existing (FAILED, CANCELLED or COMPLETED) job of that type is reset, else a new one is
    /// added; the unique (ImageId, Type) index makes a second job impossible. Images that failed as corrupt are skipped.
    /// </summary>
    public async Task<(BackfillResult Result, ChangeSet Changes)> BackfillAsync(int batchSize, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await BackfillOnceAsync(batchSize, cancellationToken);
            }
            catch (Exception ex) when ((UniqueViolation.Is(ex) || UniqueViolation.IsDeadlock(ex)) && attempt < 3)
            {
                // Another back-fill inserted the same job first (on PostgreSQL the two may also deadlock in the unique index,
                // and one is failed): look again.
            }
        }
    }

    /// <summary>The owner of an image (its <c>OwnerId</c>, which may be null); null if there is no such image.</summary>
    public async Task<(string? OwnerId, bool Exists)?> FindOwnerAsync(Guid imageId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var image = await db.Images.AsNoTracking().Where(i => i.Id == imageId).Select(i => new { i.OwnerId }).FirstOrDefaultAsync(cancellationToken);
        return image is null ? null : (image.OwnerId, true);
    }

    /// <summary>Whether the image still exists (a job's image may be deleted while the job runs).</summary>
    public async Task<bool> ImageExistsAsync(Guid? imageId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Images.AnyAsync(i => i.Id == imageId, cancellationToken);
    }

    /// <summary>
    /// <see cref="DeriveImageStatusAsync"/> after a claim, in one statement instead of two reads. With one of its jobs now
    /// PROCESSING an image derives FAILED if another job of it FAILED — which the claim did not change, so its status already
    /// says so — else PROCESSING. Hence: PROCESSING unless it is PROCESSING or FAILED already or has a FAILED job.
    /// </summary>
    private static async Task<ImageStatusChangedEvent?> ClaimedImageStatusAsync(PipelineDbContext db, Job job, DateTime now, CancellationToken cancellationToken)
    {
        if (job.ImageId is not { } imageId || job.Image is null)
        {
            return null;
        }

        var changed = await db.Images
            .Where(i => i.Id == imageId && i.Status != ImageStatus.Processing && i.Status != ImageStatus.Failed
                && !db.Jobs.Any(j => j.ImageId == imageId && j.Status == JobStatus.Failed))
            .ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Status, ImageStatus.Processing)
                .SetProperty(i => i.UpdatedAt, now)
                .SetProperty(i => i.Version, i => i.Version + 1), cancellationToken);
        return changed == 1 ? new ImageStatusChangedEvent(imageId, ImageStatus.Processing, now) { OwnerId = job.Image.OwnerId } : null;
    }

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

    private async Task<(BackfillResult Result, ChangeSet Changes)> BackfillOnceAsync(int batchSize, CancellationToken cancellationToken)
    {
        var now = Now();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var open = db.Jobs.Where(IsOpen);
        var batch = await NeedingJobs(db).OrderBy(i => i.CreatedAt).Take(batchSize)
            .Select(i => new
            {
                i.Id,
                i.OwnerId,
                NeedsPreview = i.PreviewPath == null && !open.Any(j => j.ImageId == i.Id && j.Type == JobType.Preview),
                NeedsThumbnail = i.ThumbnailPath == null && !open.Any(j => j.ImageId == i.Id && j.Type == JobType.Thumbnail),
            })
            .ToListAsync(cancellationToken);
        var ids = batch.Select(i => (Guid?)i.Id).ToList();
        var existing = await db.Jobs.AsNoTracking().Where(j => ids.Contains(j.ImageId)).ToListAsync(cancellationToken);

        var changes = ChangeSet.Empty;
        var enqueued = 0;
        foreach (var image in batch)
        {
            foreach (var (type, needed) in new[] { (JobType.Preview, image.NeedsPreview), (JobType.Thumbnail, image.NeedsThumbnail) })
            {
                if (!needed)
                {
                    continue;
                }

                var job = existing.FirstOrDefault(j => j.ImageId == image.Id && j.Type == type);
                if (job is null)
                {
                    job = factory.Create(image.Id, type);
                    db.Jobs.Add(job);
                }
                else if (await ResetJobAsync(db, job, now, cancellationToken) == 0)
                {
                    continue;
                }

                enqueued++;
                changes = changes.And(new ChangeSet(JobStatusChangedEvent.Of(job, image.OwnerId, now), null));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var image in batch)
        {
            changes = changes.And(new ChangeSet(null, await DeriveImageStatusAsync(db, image.Id, now, cancellationToken)));
        }

        var remaining = await NeedingJobs(db).CountAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return (new BackfillResult(enqueued, batch.Count, remaining), changes);
    }

    /// <summary>Images lacking an asset with no open job for it, except those that failed as corrupt (a new job would fail too).</summary>
    private static IQueryable<Image> NeedingJobs(PipelineDbContext db)
    {
        var open = db.Jobs.Where(IsOpen);
        var corrupt = db.Jobs.Where(j => j.Status == JobStatus.Failed && j.LastError != null && j.LastError.StartsWith(JobFailure.CorruptPrefix));
        return db.Images.Where(i =>
            ((i.ThumbnailPath == null && !open.Any(j => j.ImageId == i.Id && j.Type == JobType.Thumbnail))
             || (i.PreviewPath == null && !open.Any(j => j.ImageId == i.Id && j.Type == JobType.Preview)))
            && !corrupt.Any(j => j.ImageId == i.Id));
    }

    /// <summary>Resets the FAILED or CANCELLED jobs matching <paramref name="which"/> inside the caller's transaction.</summary>
    private static async Task<ChangeSet> ResetAsync(PipelineDbContext db, Expression<Func<Job, bool>> which, DateTime now, CancellationToken cancellationToken)
    {
        var jobs = await db.Jobs.AsNoTracking().Include(j => j.Image).Where(which)
            .Where(j => j.Status == JobStatus.Failed || j.Status == JobStatus.Cancelled).ToListAsync(cancellationToken);
        var changes = ChangeSet.Empty;
        foreach (var job in jobs)
        {
            if (await ResetJobAsync(db, job, now, cancellationToken) == 0)
            {
                continue;
            }

            changes = changes.And(new ChangeSet(JobStatusChangedEvent.Of(job, job.Image?.OwnerId, now), null));
        }

        foreach (var imageId in jobs.Select(j => j.ImageId).Distinct())
        {
            changes = changes.And(new ChangeSet(null, await DeriveImageStatusAsync(db, imageId, now, cancellationToken)));
        }

        return changes;
    }

    /// <summary>A closed (not open) job back to PENDING with no attempts used; <paramref name="job"/> is updated to match.</summary>
    private static async Task<int> ResetJobAsync(PipelineDbContext db, Job job, DateTime now, CancellationToken cancellationToken)
    {
        var reset = await db.Jobs.Where(j => j.Id == job.Id && j.Version == job.Version && j.Status != JobStatus.Pending && j.Status != JobStatus.Processing)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Pending).SetProperty(j => j.Attempts, 0)
                .SetProperty(j => j.RunAfter, now).SetProperty(j => j.UpdatedAt, now).SetProperty(j => j.CompletedAt, (DateTime?)null)
                .SetProperty(j => j.Version, j => j.Version + 1), cancellationToken);
        if (reset == 1)
        {
            job.Status = JobStatus.Pending;
            job.Attempts = 0;
        }

        return reset;
    }

    /// <summary>The lease of a job that has used every attempt expired again: the process died running it each time. FAILED, not run again.</summary>
    private static async Task<ChangeSet> FailPoisonedAsync(PipelineDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, JobCandidate candidate, int attempts, DateTime now, CancellationToken cancellationToken)
    {
        var reason = $"The process stopped {attempts} time{(attempts == 1 ? "" : "s")} while running this job.";
        var detail = $"{reason} Its lease expired after each attempt; with no attempts left it is not run again. Retry it once the cause is fixed.";
        var failed = await db.Jobs.Where(j => j.Id == candidate.Id && j.Version == candidate.Version && j.Status == JobStatus.Processing)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Failed)
                .SetProperty(j => j.LockedBy, (string?)null)
                .SetProperty(j => j.LockedAt, (DateTime?)null)
                .SetProperty(j => j.UpdatedAt, now)
                .SetProperty(j => j.CompletedAt, now)
                .SetProperty(j => j.LastError, reason)
                .SetProperty(j => j.LastErrorDetail, detail)
                .SetProperty(j => j.Version, j => j.Version + 1), cancellationToken);
        if (failed == 0)
        {
            return ChangeSet.Empty;
        }

        await CloseLostAttemptsAsync(db, candidate.Id, now, "Lease expired; the process stopped while running this job.", cancellationToken);
        var job = await db.Jobs.AsNoTracking().Include(j => j.Image).FirstAsync(j => j.Id == candidate.Id, cancellationToken);
        var imageChange = await DeriveImageStatusAsync(db, job.ImageId, now, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return new ChangeSet(JobStatusChangedEvent.Of(job, job.Image?.OwnerId, now), imageChange);
    }

    private static Task<int> CloseLostAttemptsAsync(PipelineDbContext db, Guid jobId, DateTime now, string error, CancellationToken cancellationToken) =>
        db.JobAttempts.Where(a => a.JobId == jobId && a.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.EndedAt, now).SetProperty(a => a.Outcome, "LOST")
                .SetProperty(a => a.Error, error), cancellationToken);

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
        // Plain values captured, not expressions over them: EF Core evaluates what a query captures at every execution, and
        // `retryAfter.HasValue` on a null TimeSpan? made it throw and catch a TargetException there (reflection on a null
        // target) before it interpreted the expression; the conditions below are captured booleans, which it just reads.
        DateTime? completedAt = status == JobStatus.Pending ? null : now;
        var retry = retryAfter.HasValue;
        var runAfter = now + retryAfter.GetValueOrDefault();
        var failed = failure is not null;
        var error = failure?.Message;
        var errorDetail = failure?.Detail;
        await using var db = await RunnerContextAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var finished = await Fenced(db, claim).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, status)
            .SetProperty(j => j.LockedBy, (string?)null)
            .SetProperty(j => j.LockedAt, (DateTime?)null)
            .SetProperty(j => j.UpdatedAt, now)
            .SetProperty(j => j.CompletedAt, completedAt)
            .SetProperty(j => j.RunAfter, j => retry ? runAfter : j.RunAfter)
            .SetProperty(j => j.LastError, j => failed ? error : j.LastError)
            .SetProperty(j => j.LastErrorDetail, j => failed ? errorDetail : j.LastErrorDetail)
            .SetProperty(j => j.Attempts, j => refundAttempt ? j.Attempts - 1 : j.Attempts)
            .SetProperty(j => j.Version, j => j.Version + 1), cancellationToken);
        if (finished == 0)
        {
            return null;
        }

        await db.JobAttempts.Where(a => a.Id == claim.AttemptId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.EndedAt, now).SetProperty(a => a.Outcome, outcome)
                .SetProperty(a => a.Error, error), cancellationToken);
        if (onSuccess is not null)
        {
            await onSuccess(db, claim.Job, now);
        }

        var imageChange = await DeriveImageStatusAsync(db, claim.Job.ImageId, now, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        RunnerCommitted(db);

        var job = claim.Job;
        var after = new Job
        {
            Id = job.Id,
            ImageId = job.ImageId,
            Type = job.Type,
            Status = status,
            Attempts = refundAttempt ? job.Attempts - 1 : job.Attempts,
            LastError = failure?.Message ?? job.LastError,
        };
        return new ChangeSet(JobStatusChangedEvent.Of(after, job.Image?.OwnerId, now), imageChange);
    }

    private static IQueryable<Job> Fenced(PipelineDbContext db, JobClaim claim) =>
        db.Jobs.Where(j => j.Id == claim.JobId && j.LockedBy == claim.RunnerId && j.Version == claim.Version && j.Status == JobStatus.Processing);

    private static readonly string RunnerPragmas =
        $"PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint={WalCheckpointer.RunnerAutoCheckpointPages};";

    private DateTime Now() => time.GetUtcNow().UtcDateTime;

    /// <summary>A runner transition committed: on SQLite, counts towards the next background checkpoint.</summary>
    private void RunnerCommitted(PipelineDbContext db)
    {
        if (db.Database.IsSqlite())
        {
            checkpointer.Committed();
        }
    }

    /// <summary>
    /// A context for the runner's own transitions (claim, renew, complete, fail, release). On SQLite they commit without waiting
    /// for the disk (<c>synchronous=NORMAL</c>; every other connection is FULL): losing one to a power cut is harmless — a lost claim
    /// or renewal leaves the job claimable, a lost finish leaves it PROCESSING until its lease expires and it runs again — and the
    /// WAL keeps them in order, so a later durable commit (an upload) makes them durable too. Derived assets are fsynced before
    /// their job completes, so a completion is never durable without its file. Saves two WAL syncs per job (docs/benchmarks.md).
    /// They also checkpoint the WAL on their own only past <see cref="WalCheckpointer.RunnerAutoCheckpointPages"/>: the
    /// <see cref="WalCheckpointer"/> does it in the background instead of in a claim's commit (<see cref="RunnerCommitted"/>).
    /// The interceptor sets FULL and SQLite's default auto-checkpoint again whenever a pooled connection is opened.
    /// </summary>
    private async Task<PipelineDbContext> RunnerContextAsync(CancellationToken cancellationToken)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync(RunnerPragmas, cancellationToken);
        }

        return db;
    }
}
