using ImagePipeline.Core.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Web.Health;

/// <summary>Healthy when a file can be written to and removed from the data directory.</summary>
public sealed class DataDirectoryHealthCheck(IOptions<PipelineOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var probe = Path.Combine(options.Value.DataDirectoryFullPath, "tmp", $".health-{Guid.NewGuid():N}");
        try
        {
            await File.WriteAllTextAsync(probe, "ok", cancellationToken);
            File.Delete(probe);
            return HealthCheckResult.Healthy("The data directory is writable.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy("The data directory is not writable.", ex);
        }
    }
}
