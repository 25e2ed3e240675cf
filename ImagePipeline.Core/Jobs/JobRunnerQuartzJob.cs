using Quartz;

namespace ImagePipeline.Core.Jobs;

/// <summary>The one durable Quartz job: every firing (interval or wake-up) drains the queue. Never two at once.</summary>
[DisallowConcurrentExecution]
public sealed class JobRunnerQuartzJob(JobRunner runner) : IJob
{
    public static readonly JobKey Key = new("job-runner", "pipeline");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await runner.DrainAsync(cancellationToken);
}
