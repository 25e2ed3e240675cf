using ImagePipeline.Core.Jobs;
using Quartz;

namespace ImagePipeline.Core.Images;

/// <summary>Runs <see cref="TrashPurger"/> every <c>Pipeline:Trash:PurgeInterval</c>, then lets an idle app hand back the
/// memory it touched (<see cref="JobRunner.TrimWhenIdle"/>).</summary>
[DisallowConcurrentExecution]
public sealed class TrashPurgeQuartzJob(TrashPurger purger, JobRunner runner) : IJob
{
    public static readonly JobKey Key = new("trash-purge", "pipeline");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await purger.PurgeAsync(cancellationToken);
        runner.TrimWhenIdle();
    }
}
