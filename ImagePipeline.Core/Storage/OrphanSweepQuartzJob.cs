using ImagePipeline.Core.Jobs;
using Microsoft.Extensions.Logging;
using Quartz;

namespace ImagePipeline.Core.Storage;

/// <summary>The periodic orphan sweep (start-up runs it too): a delete that raced a running job leaves nothing for long. An idle
/// app then hands back the memory the sweep touched (<see cref="JobRunner.TrimWhenIdle"/>).</summary>
[DisallowConcurrentExecution]
public sealed partial class OrphanSweepQuartzJob(OrphanFileSweeper sweeper, JobRunner runner, ILogger<OrphanSweepQuartzJob> logger) : IJob
{
    public static readonly JobKey Key = new("orphan-sweep", "pipeline");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var cleared = await sweeper.SweepAsync(cancellationToken);
        if (cleared > 0)
        {
            LogCleared(logger, cleared);
        }

        runner.TrimWhenIdle();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleared {Count} asset file(s) that belonged to no image (originals kept in lost+found)")]
    private static partial void LogCleared(ILogger logger, int count);
}
