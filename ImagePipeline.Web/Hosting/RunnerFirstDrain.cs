using ImagePipeline.Core.Jobs;

namespace ImagePipeline.Web.Hosting;

/// <summary>
/// The runner's first drain after start (jobs the last run left), rung once the app has answered its first request
/// (<see cref="FirstResponse"/>, or a second after start without one) rather than at once: started with the host, its first
/// queries (EF Core compiling them) ran beside the first <c>/health</c> on two cores. On the idle 2-core machine the single
/// binary's start → <c>/health</c> fell by ~45 ms, and the first photo sent the instant <c>/health</c> answers took 0–17 ms
/// longer (docs/benchmarks.md, "eighth stop"). Only this instance's runner is rung (no scale-out broadcast), and only if it
/// runs jobs (<see cref="QuartzRunnerWakeup"/> checks).
/// </summary>
public sealed class RunnerFirstDrain(QuartzRunnerWakeup wakeup, FirstResponse firstResponse, TimeProvider time,
    IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        firstResponse.RunAfterStart(wakeup.Wake, time, lifetime);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
