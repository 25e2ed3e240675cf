using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Diagnostics;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Processing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Jobs;

/// <summary>
/// Drains the queue: claims ready jobs up to the configured concurrency, runs their handlers under a renewed lease,
/// and finishes each one with a fenced update. Returns when nothing is ready and nothing is running.
/// Crash recovery is nothing but lease expiry; a graceful stop releases unfinished jobs at once.
/// </summary>
public sealed partial class JobRunner(
    JobStore store,
    JobHandlerRegistry handlers,
    IPipelineEventPublisher events,
    IDbContextFactory<PipelineDbContext> contexts,
    RunnerIdentity identity,
    RunnerSignal signal,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    PipelineMetrics metrics,
    ILogger<JobRunner> logger)
{
    private int _draining;

    public string RunnerId => identity.Id;

    /// <summary>Runs one drain. Concurrent calls on the same runner return at once (the running drain picks the work up).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _draining, 1) == 1)
        {
            signal.Ring();
            return;
        }

        try
        {
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
            var ran = await DrainCoreAsync(stopping.Token);
            if (ran > 0)
            {
                // The queue is empty: hand the decode buffers of this batch back to the OS instead of idling on them.
                IdleMemoryTrimmer.Trim();
            }
        }
        finally
        {
            Volatile.Write(ref _draining, 0);
        }
    }

    /// <summary>Drains until nothing is ready and nothing runs; returns how many jobs it ran.</summary>
    private async Task<int> DrainCoreAsync(CancellationToken stopping)
    {
        var runner = options.Value.Runner;
        var concurrency = runner.EffectiveConcurrency;
        var running = new List<Task>();
        var started = 0;
        try
        {
            started = await ClaimAndRunAsync(running, concurrency, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down: the running jobs release themselves below.
        }
        finally
        {
            // Never return while a job is running: shutdown waits for each to finish or be released.
            await Task.WhenAll(running);
        }

        return started;
    }

    private async Task<int> ClaimAndRunAsync(List<Task> running, int concurrency, CancellationToken stopping)
    {
        var runner = options.Value.Runner;
        var started = 0;
        while (!stopping.IsCancellationRequested)
        {
            running.RemoveAll(t => t.IsCompleted);
            var doorbell = signal.WaitAsync();
            var claimedAny = false;
            if (running.Count < concurrency && !await IsPausedAsync(stopping))
            {
                var candidates = await store.FindCandidatesAsync(runner.LeaseDuration, (concurrency - running.Count) * 2, stopping);
                foreach (var candidate in candidates)
                {
                    if (running.Count >= concurrency)
                    {
                        break;
                    }

                    var (claim, changes) = await store.TryClaimAsync(candidate, identity.Id, runner.LeaseDuration, stopping);
                    if (claim is null)
                    {
                        continue;
                    }

                    claimedAny = true;
                    started++;
                    await PublishAsync(changes);
                    running.Add(Task.Run(() => ExecuteAsync(claim, stopping), CancellationToken.None));
                }
            }

            if (!claimedAny && running.Count == 0)
            {
                return started;
            }

            if (!claimedAny || running.Count >= concurrency)
            {
                // Wait for a slot, or for new work when slots are free but nothing was ready.
                await Task.WhenAny([.. running, doorbell]);
            }
        }

        return started;
    }

    private async Task ExecuteAsync(JobClaim claim, CancellationToken stopping)
    {
        var job = claim.Job;
        LogStarted(logger, job.Type, job.Id, job.ImageId, job.Attempts);
        using var leaseLost = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var renewal = RenewLeaseUntilDoneAsync(claim, leaseLost);
        ChangeSet? result;
        try
        {
            var asset = await handlers.For(job.Type).ExecuteAsync(claim, leaseLost.Token);
            await renewal.StopAsync();
            result = await store.CompleteAsync(claim, asset, CancellationToken.None);
            if (result is not null)
            {
                LogCompleted(logger, job.Type, job.Id, job.ImageId);
            }
        }
        catch (OperationCanceledException) when (leaseLost.IsCancellationRequested)
        {
            await renewal.StopAsync();
            result = stopping.IsCancellationRequested ? await store.ReleaseAsync(claim, CancellationToken.None) : null;
            if (result is not null)
            {
                LogReleased(logger, job.Id);
            }
        }
        catch (Exception ex)
        {
            await renewal.StopAsync();
            var failure = JobFailure.From(ex, retryable: ex is not CorruptImageException);
            result = await store.FailAsync(claim, failure, Backoff(job.Attempts), CancellationToken.None);
            if (result is not null)
            {
                LogFailed(logger, ex, job.Type, job.Id, job.Attempts, job.MaxAttempts);
            }
        }

        metrics.JobFinished(job, result);
        if (result is null)
        {
            LogLeaseLost(logger, job.Id, claim.RunnerId);
            return;
        }

        await PublishAsync(result);
    }

    /// <summary>Exponential backoff with ±25% jitter: base, 2×base, 4×base, ...</summary>
    private TimeSpan Backoff(int attempts)
    {
        var baseDelay = options.Value.Runner.RetryBaseDelay;
        var exponential = baseDelay * Math.Pow(2, Math.Max(0, attempts - 1));
        return exponential * (0.75 + (Random.Shared.NextDouble() * 0.5));
    }

    private LeaseRenewal RenewLeaseUntilDoneAsync(JobClaim claim, CancellationTokenSource leaseLost) =>
        new(store, claim, options.Value.Runner.LeaseDuration / 3, time, leaseLost, () => LogLeaseLost(logger, claim.JobId, claim.RunnerId));

    private async Task<bool> IsPausedAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var paused = await db.RunnerSettings.AsNoTracking().Where(s => s.Key == RunnerSetting.PausedKey)
            .Select(s => s.Value).FirstOrDefaultAsync(cancellationToken);
        return paused == "true";
    }

    private async Task PublishAsync(ChangeSet changes)
    {
        if (changes.Job is { } jobChange)
        {
            await events.PublishAsync(jobChange);
        }

        if (changes.Image is { } imageChange)
        {
            await events.PublishAsync(imageChange);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Started {Type} job {JobId} for image {ImageId} (attempt {Attempt})")]
    private static partial void LogStarted(ILogger logger, JobType type, Guid jobId, Guid? imageId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Completed {Type} job {JobId} for image {ImageId}")]
    private static partial void LogCompleted(ILogger logger, JobType type, Guid jobId, Guid? imageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Type} job {JobId} failed (attempt {Attempt} of {MaxAttempts})")]
    private static partial void LogFailed(ILogger logger, Exception exception, JobType type, Guid jobId, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released job {JobId} unfinished on shutdown")]
    private static partial void LogReleased(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease on job {JobId} was lost by {RunnerId}; its result is discarded")]
    private static partial void LogLeaseLost(ILogger logger, Guid jobId, string runnerId);
}
