namespace ImagePipeline.Core.Jobs;

/// <summary>Renews a claim's lease every <c>period</c> while its handler runs; cancels the handler if the lease is lost.</summary>
internal sealed class LeaseRenewal : IDisposable
{
    private readonly CancellationTokenSource _done = new();
    private readonly Task _loop;

    public LeaseRenewal(JobStore store, JobClaim claim, TimeSpan period, TimeProvider time, CancellationTokenSource leaseLost, Action onLost)
    {
        _loop = RunAsync(store, claim, period, time, leaseLost, onLost);
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

    private async Task RunAsync(JobStore store, JobClaim claim, TimeSpan period, TimeProvider time, CancellationTokenSource leaseLost, Action onLost)
    {
        using var timer = new PeriodicTimer(period, time);
        while (await timer.WaitForNextTickAsync(_done.Token))
        {
            if (!await store.RenewAsync(claim, _done.Token))
            {
                onLost();
                await leaseLost.CancelAsync();
                return;
            }
        }
    }
}
