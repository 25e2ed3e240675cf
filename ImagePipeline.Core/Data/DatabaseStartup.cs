using ImagePipeline.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImagePipeline.Core.Data;

/// <summary>First hosted service to start: migrates the database and sweeps what a crashed instance left (temp files, orphan assets).</summary>
public sealed partial class DatabaseStartup(DatabaseInitializer initializer, IAssetStorage storage, OrphanFileSweeper orphans, ILogger<DatabaseStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await initializer.MigrateAsync(cancellationToken);
        var swept = storage.CleanTempArea();
        if (swept > 0)
        {
            LogSwept(logger, swept);
        }

        var orphaned = await orphans.SweepAsync(cancellationToken);
        if (orphaned > 0)
        {
            LogOrphans(logger, orphaned);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} temp file(s) left by an interrupted upload or job")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleared {Count} asset file(s) that belonged to no image (an interrupted upload or delete); originals are kept in lost+found")]
    private static partial void LogOrphans(ILogger logger, int count);
}
