using ImagePipeline.Core.Jobs;
using Microsoft.Extensions.Logging;
using Quartz;

namespace ImagePipeline.Core.Storage;

/// <summary>
/// The orphan sweep: first <see cref="FirstRunAfter"/> after start (what a crashed instance left), then every
/// <c>Pipeline:Runner:OrphanSweepInterval</c> (a delete that raced a running job leaves nothing for long). Not on the start-up
/// path: it lists every asset file, which grows with the library (~110 ms at 10,000 photos on the 2-core test machine,
/// docs/benchmarks.md "sixth stop"), and files younger than <see cref="OrphanFileSweeper.MinimumAge"/> are left
/// alone, so running beside new uploads is safe. An idle app then hands back the memory the sweep touched
/// (<see cref="JobRunner.TrimWhenIdle"/>).
/// </summary>
[DisallowConcurrentExecution]
public sealed partial class OrphanSweepQuartzJob(OrphanFileSweeper sweeper, JobRunner runner, ILogger<OrphanSweepQuartzJob> logger) : IJob
{
    public static readonly JobKey Key = new("orphan-sweep", "pipeline");

    /// <summary>The first sweep after start (or one interval, if that is shorter).</summary>
    public static readonly TimeSpan FirstRunAfter = TimeSpan.FromMinutes(1);

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
