using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Images;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Jobs;

/// <summary>
/// What an admin (and, for their own image, an owner) can do to the queue: retry, cancel, retry all failed, pause/resume,
/// back-fill missing assets. The changes themselves are <see cref="JobStore"/>'s; this publishes them and wakes the runner.
/// </summary>
public sealed class JobAdmin(JobStore store, IPipelineEventPublisher events, IRunnerWakeup wakeup, IOptions<PipelineOptions> options)
{
    /// <summary>FAILED (or CANCELLED) → PENDING with attempts reset. False if the job is not in a retryable state.</summary>
    public async Task<bool> RetryAsync(Guid jobId, CancellationToken cancellationToken) =>
        await PublishRetryAsync(await store.RetryAsync(j => j.Id == jobId, cancellationToken), cancellationToken) > 0;

    /// <summary>Every FAILED job back to PENDING. Returns how many.</summary>
    public async Task<int> RetryFailedAsync(CancellationToken cancellationToken) =>
        await PublishRetryAsync(await store.RetryAsync(j => j.Status == JobStatus.Failed, cancellationToken), cancellationToken);

    /// <summary>
    /// Retries the failed jobs of one image the viewer may see: an admin as often as they like, its owner at most
    /// <c>Pipeline:Runner:OwnerRetries</c> times.
    /// </summary>
    public async Task<ImageRetryOutcome> RetryImageAsync(Viewer viewer, Guid imageId, CancellationToken cancellationToken)
    {
        var owner = await store.FindOwnerAsync(imageId, cancellationToken);
        if (owner is null || !viewer.CanSee(owner.Value.OwnerId))
        {
            return ImageRetryOutcome.NotFound;
        }

        var limit = viewer.IsAdmin ? (int?)null : options.Value.Runner.OwnerRetries;
        var (outcome, changes) = await store.RetryImageAsync(imageId, limit, cancellationToken);
        await events.PublishAsync(changes, cancellationToken);
        if (outcome == ImageRetryOutcome.Retried)
        {
            wakeup.Wake();
        }

        return outcome;
    }

    /// <summary>PENDING → CANCELLED. False if the job is not pending.</summary>
    public async Task<bool> CancelAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var changes = await store.CancelAsync(jobId, cancellationToken);
        if (changes is null)
        {
            return false;
        }

        await events.PublishAsync(changes, cancellationToken);
        return true;
    }

    public async Task SetPausedAsync(bool paused, CancellationToken cancellationToken)
    {
        await store.SetPausedAsync(paused, cancellationToken);
        if (!paused)
        {
            wakeup.Wake();
        }
    }

    public Task<bool> IsPausedAsync(CancellationToken cancellationToken) => store.IsPausedAsync(cancellationToken);

    /// <summary>
    /// Gives images that lack an asset a PENDING job for it, <paramref name="batchSize"/> images at a time: an existing failed
    /// job is reset, a missing one added. Idempotent; images that failed as corrupt are left alone.
    /// </summary>
    public async Task<BackfillResult> BackfillAsync(int batchSize, CancellationToken cancellationToken)
    {
        var (result, changes) = await store.BackfillAsync(batchSize, cancellationToken);
        await events.PublishAsync(changes, cancellationToken);
        if (result.Enqueued > 0)
        {
            wakeup.Wake();
        }

        return result;
    }

    private async Task<int> PublishRetryAsync((int Count, ChangeSet Changes) retry, CancellationToken cancellationToken)
    {
        await events.PublishAsync(retry.Changes, cancellationToken);
        if (retry.Count > 0)
        {
            wakeup.Wake();
        }

        return retry.Count;
    }
}
