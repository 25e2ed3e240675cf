using ImagePipeline.Core.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Jobs;

/// <summary>Writes the start-up lines the predecessor's troubleshooting relies on, and validates the handlers early.</summary>
public sealed partial class RunnerStartupLog(JobHandlerRegistry registry, RunnerIdentity identity, IOptions<PipelineOptions> options, ILogger<RunnerStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = registry;
        var runner = options.Value.Runner;
        if (runner.Enabled)
        {
            LogStarting(logger, identity.Id, runner.EffectiveConcurrency, runner.PollInterval);
        }
        else if (!options.Value.Role.RunsJobs())
        {
            // A Web instance: processing is the Worker instances' part, nothing is wrong.
            LogWebRole(logger);
        }
        else
        {
            LogDisabled(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "[Job Runner] Starting... (runner {RunnerId}, concurrency {Concurrency}, poll interval {PollInterval})")]
    private static partial void LogStarting(ILogger logger, string runnerId, int concurrency, TimeSpan pollInterval);

    [LoggerMessage(Level = LogLevel.Warning, Message = "[Job Runner] Disabled (Pipeline:Runner:Enabled=false): uploads stay INGESTED")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "[Job Runner] Off on this instance (Pipeline:Role=Web): Worker instances process the uploads' jobs")]
    private static partial void LogWebRole(ILogger logger);
}
