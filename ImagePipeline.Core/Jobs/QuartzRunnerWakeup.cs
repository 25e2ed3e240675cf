using ImagePipeline.Core.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace ImagePipeline.Core.Jobs;

/// <summary>Wakes the runner through Quartz (<c>TriggerJob</c>), and rings a drain that is already running.</summary>
public sealed partial class QuartzRunnerWakeup(ISchedulerFactory schedulers, RunnerSignal signal, IOptions<PipelineOptions> options, ILogger<QuartzRunnerWakeup> logger) : IRunnerWakeup
{
    public void Wake()
    {
        signal.Ring();
        if (!options.Value.Runner.Enabled)
        {
            return;
        }

        _ = TriggerAsync();
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
