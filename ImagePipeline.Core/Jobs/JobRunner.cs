using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Diagnostics;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Processing;
using ImagePipeline.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Jobs;

/// <summary>
/// Drains the queue: claims ready jobs up to the configured concurrency, runs their handlers under a renewed lease,
/// and finishes each one with a fenced update. Returns when nothing is ready and nothing is running.
/// Crash recovery is nothing but lease expiry; a graceful stop releases unfinished jobs at once.
/// One drain at a time: a call while one runs rings that drain's doorbell and returns.
/// </summary>
public sealed partial class JobRunner(
    JobStore store,
    JobHandlerRegistry handlers,
    IPipelineEventPublisher events,
    IAssetStorage storage,
    RunnerIdentity identity,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    PipelineMetrics metrics,
    PreviewPixelsHandoff handoff,
    ILogger<JobRunner> logger)
{
    private readonly RunnerSignal _signal = new();
    private int _draining;
    private int _wakePending;
    private int _trims;
    private CancellationTokenSource? _pendingTrim;

    /// <summary>
    /// Runs one drain. A call while a drain runs hands its work to that drain and returns at once: it rings the drain's
    /// doorbell and leaves a pending mark, which the drain takes up even if the call came as it was finishing — no wake-up is lost.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _wakePending, 1);
        if (Interlocked.Exchange(ref _draining, 1) == 1)
        {
            _signal.Ring();
            return;
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            var ran = 0;
            do
            {
                // This pass sees everything committed before the mark was cleared.
                Volatile.Write(ref _wakePending, 0);
                ran += await DrainCoreAsync(stopping.Token);
            }
            while (Volatile.Read(ref _wakePending) == 1 && !stopping.IsCancellationRequested);

            if (ran > 0)
            {
                // The queue is empty: hand the decode buffers of this batch back to the OS instead of idling on them
                // (previews held for thumbnails another instance ran, if any, included).
                handoff.Clear();
                if (options.Value.Runner.TrimMemoryWhenDrained)
                {
                    ScheduleTrim(options.Value.Runner.IdleTrimDelay);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _draining, 0);
        }

        // A call that found this drain busy just before it let go: take its work up now.
        if (Volatile.Read(ref _wakePending) == 1 && !stopping.IsCancellationRequested)
        {
            await DrainAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Work done while the queue is idle (the trash purge, the orphan sweep) calls this when it ends: it brings code pages and
    /// buffers back in (~15 MB after the first trash purge of an idle app, docs/benchmarks.md), which would otherwise stay
    /// resident until the next batch's trim. The same idle delay applies, and a drain that runs a job calls it off.
    /// </summary>
    public void TrimWhenIdle()
    {
        if (options.Value.Runner.TrimMemoryWhenDrained)
        {
            ScheduleTrim(options.Value.Runner.IdleTrimDelay);
        }
    }

    /// <summary>
    /// How long after the first trim a second one runs if the app is still idle: the runtime lets some memory go only after 30 s.
    /// The shared array pool drops the arrays the first trim could not reach (threads other than the thread pool's) at a full GC
    /// at least 30 s after one first noted them, and idle thread-pool threads retire after 20 s. After 200 × 24 MP: 137 MB 30 s
    /// after the batch, 123–129 MB 90 s after it (docs/benchmarks.md, "fifth stop").
    /// </summary>
    internal static readonly TimeSpan SecondTrimAfter = TimeSpan.FromSeconds(35);

    /// <summary>
    /// Hands the batch's memory back once the queue has stayed drained for <paramref name="delay"/>, and once more
    /// <see cref="SecondTrimAfter"/> later: the next drain that runs a job schedules it anew (calling this one off), and one
    /// that is running when a delay is up (a poll finding nothing, or a job under way) puts that trim off by a second. A trim
    /// racing a drain's start is harmless: buffers in use are not pooled.
    /// </summary>
    private void ScheduleTrim(TimeSpan delay)
    {
        var pending = new CancellationTokenSource();
        Interlocked.Exchange(ref _pendingTrim, pending)?.Cancel();
        _ = TrimWhenStillIdleAsync(delay, pending.Token);
    }

    private async Task TrimWhenStillIdleAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        foreach (var wait in new[] { delay, SecondTrimAfter })
        {
            if (!await WaitWhileIdleAsync(wait, cancellationToken))
            {
                return;
            }

            IdleMemoryTrimmer.Trim();
            Interlocked.Increment(ref _trims);
        }
    }

    /// <summary>Waits <paramref name="delay"/>, then for any drain under way to end; false if called off or stopping.</summary>
    private async Task<bool> WaitWhileIdleAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken);
            while (Volatile.Read(ref _draining) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        return !cancellationToken.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested;
    }

    /// <summary>How many times this runner handed memory back (for tests).</summary>
    internal int Trims => Volatile.Read(ref _trims);

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
            var doorbell = _signal.WaitAsync();
            var claimedAny = false;
            if (running.Count < concurrency && !await store.IsPausedAsync(stopping))
            {
                var candidates = await store.FindCandidatesAsync(runner.LeaseDuration, (concurrency - running.Count) * 2, stopping);
                foreach (var candidate in candidates)
                {
                    if (running.Count >= concurrency)
                    {
                        break;
                    }

                    var (claim, changes) = await store.TryClaimAsync(candidate, identity.Id, runner.LeaseDuration, stopping);
                    await events.PublishAsync(changes, CancellationToken.None);
                    if (claim is null)
                    {
                        foreach (var poisoned in changes.Jobs.Where(j => j.Status == JobStatus.Failed))
                        {
                            LogPoisoned(logger, poisoned.Type, poisoned.JobId, poisoned.ImageId, poisoned.Attempts);
                        }

                        continue;
                    }

                    claimedAny = true;
                    started++;
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
            await TestHooks.BeforeHandlerAsync(options.Value.Testing, claim, leaseLost.Token);
            var asset = await handlers.For(job.Type).ExecuteAsync(claim, leaseLost.Token);
            await renewal.StopAsync();
            result = await store.CompleteAsync(claim, asset, CancellationToken.None);
            if (result is not null)
            {
                LogCompleted(logger, job.Type, job.Id, job.ImageId);
            }
            else if (!await store.ImageExistsAsync(job.ImageId, CancellationToken.None))
            {
                // The image was deleted while its asset was being made: the delete could not see this file yet.
                storage.Delete(asset);
                LogImageGone(logger, job.Id, job.ImageId);
                return;
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

        await events.PublishAsync(result, CancellationToken.None);
    }

    /// <summary>Exponential backoff with ±25% jitter: base, 2×base, 4×base, ...</summary>
    private TimeSpan Backoff(int attempts)
    {
        var baseDelay = options.Value.Runner.RetryBaseDelay;
        var exponential = baseDelay * Math.Pow(2, Math.Max(0, attempts - 1));
        return exponential * (0.75 + (Random.Shared.NextDouble() * 0.5));
    }

    private LeaseRenewal RenewLeaseUntilDoneAsync(JobClaim claim, CancellationTokenSource leaseLost) =>
        new(store, claim, options.Value.Runner.LeaseDuration / 3, time, leaseLost,
            () => LogLeaseLost(logger, claim.JobId, claim.RunnerId),
            ex => LogRenewalFailed(logger, ex, claim.JobId));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Started {Type} job {JobId} for image {ImageId} (attempt {Attempt})")]
    private static partial void LogStarted(ILogger logger, JobType type, Guid jobId, Guid? imageId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Completed {Type} job {JobId} for image {ImageId}")]
    private static partial void LogCompleted(ILogger logger, JobType type, Guid jobId, Guid? imageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Type} job {JobId} failed (attempt {Attempt} of {MaxAttempts})")]
    private static partial void LogFailed(ILogger logger, Exception exception, JobType type, Guid jobId, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released job {JobId} unfinished on shutdown")]
    private static partial void LogReleased(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the lease on job {JobId} failed; retrying")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception, Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Type} job {JobId} for image {ImageId} FAILED: the process stopped {Attempts} time(s) while running it")]
    private static partial void LogPoisoned(ILogger logger, JobType type, Guid jobId, Guid? imageId, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} finished after its image {ImageId} was deleted; its file is removed")]
    private static partial void LogImageGone(ILogger logger, Guid jobId, Guid? imageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease on job {JobId} was lost by {RunnerId}; its result is discarded")]
    private static partial void LogLeaseLost(ILogger logger, Guid jobId, string runnerId);
}
