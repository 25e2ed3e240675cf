using Quartz;

namespace ImagePipeline.Core.Jobs;

/// <summary>
/// The one durable Quartz job: every firing (interval or wake-up) asks the runner to drain the queue. The one guard
/// against two drains at once is the runner's own (a firing during a drain rings that drain's doorbell and returns).
/// </summary>
public sealed class JobRunnerQuartzJob(JobRunner runner) : IJob
{
    public static readonly JobKey Key = new("job-runner", "pipeline");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await runner.DrainAsync(cancellationToken);
}
