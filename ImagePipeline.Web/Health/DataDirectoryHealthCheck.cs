using ImagePipeline.Core.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Web.Health;

/// <summary>
/// Healthy when a file can be written to, renamed within and removed from the data directory: in the temp area and in every
/// folder an upload or a job writes to (an upload is a temp file renamed into <c>originals/</c>).
/// </summary>
public sealed class DataDirectoryHealthCheck(IOptions<PipelineOptions> options) : IHealthCheck
{
    private static readonly string[] Folders = ["tmp", "originals", "previews", "thumbnails"];

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var root = options.Value.DataDirectoryFullPath;
        foreach (var folder in Folders)
        {
            var probe = Path.Combine(root, folder, $".health-{Guid.NewGuid():N}");
            try
            {
                await File.WriteAllTextAsync(probe, "ok", cancellationToken);
                var renamed = probe + ".moved";
                File.Move(probe, renamed);
                File.Delete(renamed);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return HealthCheckResult.Unhealthy($"The data directory is not writable ({folder}).");
            }
        }

        return HealthCheckResult.Healthy("The data directory is writable.");
    }
}
