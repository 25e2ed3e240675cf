using ImagePipeline.Core.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace ImagePipeline.Core.Jobs;

/// <summary>
/// The one wake-up path: fires the runner's Quartz job at once (<c>TriggerJob</c>) instead of waiting for the next interval.
/// If a drain is already running, <see cref="JobRunner.DrainAsync"/> hands the firing to it.
/// </summary>
public sealed partial class QuartzRunnerWakeup(ISchedulerFactory schedulers, IOptions<PipelineOptions> options, ILogger<QuartzRunnerWakeup> logger) : IRunnerWakeup
{
    public void Wake()
    {
        if (options.Value.Runner.Enabled)
        {
            _ = TriggerAsync();
        }
    }

    private async Task TriggerAsync()
    {
        try
        {
            var scheduler = await schedulers.GetScheduler();
            await scheduler.TriggerJob(JobRunnerQuartzJob.Key);
        }
        catch (SchedulerException ex)
        {
            LogWakeFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not wake the job runner; the next interval will pick the work up")]
    private static partial void LogWakeFailed(ILogger logger, Exception exception);
}
