namespace ImagePipeline.Core.Jobs;

/// <summary>
/// Renews a claim's lease every <c>period</c> while its handler runs; cancels the handler only when a renewal changes
/// zero rows (the lease is lost). A database error is reported and retried shortly, never taken for a lost lease and never
/// the silent end of the loop. <see cref="StopAsync"/> always observes the loop.
/// </summary>
internal sealed class LeaseRenewal : IDisposable
{
    private readonly CancellationTokenSource _done = new();
    private readonly Task _loop;

    public LeaseRenewal(JobStore store, JobClaim claim, TimeSpan period, TimeProvider time, CancellationTokenSource leaseLost, Action onLost, Action<Exception> onError)
    {
        _loop = RunAsync(store, claim, period, time, leaseLost, onLost, onError);
    }

    public async Task StopAsync()
    {
        await _done.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    public void Dispose() => _done.Dispose();

    private async Task RunAsync(JobStore store, JobClaim claim, TimeSpan period, TimeProvider time, CancellationTokenSource leaseLost, Action onLost, Action<Exception> onError)
    {
        var retryDelay = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 50, period.Ticks / 6));
        using var timer = new PeriodicTimer(period, time);
        while (await timer.WaitForNextTickAsync(_done.Token))
        {
            bool renewed;
            while (true)
            {
                try
                {
                    renewed = await store.RenewAsync(claim, _done.Token);
                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A busy or briefly unavailable database: the lease is still ours until a renewal says otherwise.
                    onError(ex);
                    await Task.Delay(retryDelay, time, _done.Token);
                }
            }

            if (!renewed)
            {
                onLost();
                await leaseLost.CancelAsync();
                return;
            }
        }
    }
}
