using Quartz;

namespace ImagePipeline.Core.Jobs;

/// <summary>
/// The one durable Quartz job: every firing (interval or wake-up) asks the runner to drain the queue. The one guard
/// against two drains at once is the runner's own (a firing during a drain rings that drain's doorbell and returns).
/// </summary>
public sealed class JobRunnerQuartzJob(JobRunner runner) : IJob
{
    public static readonly JobKey Key = new("job-runner", "pipeline");

    /// <summary>
    /// The interval's first poll comes this long after start, not at once: at once, its first drain compiled EF Core's first
    /// queries beside the first <c>/health</c> on two cores (~45 ms of the single binary's start, docs/benchmarks.md "eighth
    /// stop"). A host that serves HTTP rings it right after its first answer instead (Web: <c>RunnerFirstDrain</c>), and an
    /// upload's wake-up rings it at once as always; so jobs left by the last run wait at most this long.
    /// </summary>
    public static readonly TimeSpan FirstPollDelay = TimeSpan.FromSeconds(1);

    /// <summary>When the interval's first poll comes: <see cref="FirstPollDelay"/>, or the interval if that is shorter.</summary>
    public static TimeSpan FirstPollAfter(TimeSpan pollInterval) => pollInterval < FirstPollDelay ? pollInterval : FirstPollDelay;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await runner.DrainAsync(cancellationToken);
}
