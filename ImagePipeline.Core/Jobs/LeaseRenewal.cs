namespace ImagePipeline.Core.Jobs;

/// <summary>
/// Renews a claim's lease every <c>period</c> while its handler runs; cancels the handler only when a renewal changes
/// zero rows (the lease is lost). A database error is reported and retried shortly, never taken for a lost lease and never
/// the silent end of the loop. <see cref="StopAsync"/> always observes the loop.
/// <para>
/// Stopping disposes the timer, which ends the wait for the next tick with <c>false</c>: every job stops its renewal, so
/// that path throws nothing (a cancelled wait threw, and rethrew, an <see cref="OperationCanceledException"/> for every job).
/// </para>
/// </summary>
internal sealed class LeaseRenewal : IDisposable
{
    private readonly CancellationTokenSource _done = new();
    private readonly PeriodicTimer _timer;
    private readonly Task _loop;

    public LeaseRenewal(JobStore store, JobClaim claim, TimeSpan period, TimeProvider time, CancellationTokenSource leaseLost, Action onLost, Action<Exception> onError)
    {
        _timer = new PeriodicTimer(period, time);
        _loop = RunAsync(store, claim, period, time, leaseLost, onLost, onError);
    }

    public async Task StopAsync()
    {
        _timer.Dispose();
        await _done.CancelAsync(); // a renewal or a retry's delay in flight
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped during a renewal.
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _done.Dispose();
    }

    private async Task RunAsync(JobStore store, JobClaim claim, TimeSpan period, TimeProvider time, CancellationTokenSource leaseLost, Action onLost, Action<Exception> onError)
    {
        var retryDelay = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 50, period.Ticks / 6));
        while (await _timer.WaitForNextTickAsync())
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
