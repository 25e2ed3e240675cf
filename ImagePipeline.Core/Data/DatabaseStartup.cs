using ImagePipeline.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImagePipeline.Core.Data;

/// <summary>
/// First hosted service to start: migrates the database and clears the temp files a crashed instance left. Orphan asset files
/// are swept a minute later, off the start-up path (<see cref="OrphanSweepQuartzJob"/>).
/// </summary>
public sealed partial class DatabaseStartup(DatabaseInitializer initializer, IAssetStorage storage, ILogger<DatabaseStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await initializer.MigrateAsync(cancellationToken);
        var swept = storage.CleanTempArea();
        if (swept > 0)
        {
            LogSwept(logger, swept);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} temp file(s) left by an interrupted upload or job")]
    private static partial void LogSwept(ILogger logger, int count);
}
