using Quartz;

namespace ImagePipeline.Core.Images;

/// <summary>Runs <see cref="TrashPurger"/> every <c>Pipeline:Trash:PurgeInterval</c>.</summary>
[DisallowConcurrentExecution]
public sealed class TrashPurgeQuartzJob(TrashPurger purger) : IJob
{
    public static readonly JobKey Key = new("trash-purge", "pipeline");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await purger.PurgeAsync(cancellationToken);
}
