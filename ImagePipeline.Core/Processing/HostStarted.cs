using Microsoft.Extensions.Hosting;

namespace ImagePipeline.Core.Processing;

/// <summary>Waits for <see cref="IHostApplicationLifetime.ApplicationStarted"/> (migrated, listening, Quartz started): for background work that needs the started host.</summary>
public static class HostStarted
{
    /// <summary>True once the host has started; false when <paramref name="cancellationToken"/> fires first.</summary>
    public static async Task<bool> WaitAsync(IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        await using (cancellationToken.Register(() => started.TrySetCanceled(cancellationToken)))
        {
            await started.Task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return started.Task.IsCompletedSuccessfully;
    }
}
