using ImagePipeline.Core.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Web.Hosting;

/// <summary>Once listening, says where to point the browser and where the data lives.</summary>
public static partial class StartupBanner
{
    public static void Register(WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ImagePipeline");
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var data = app.Services.GetRequiredService<IOptions<PipelineOptions>>().Value.DataDirectoryFullPath;
            foreach (var address in addresses)
            {
                LogOpen(logger, Browsable(address), data);
            }
        });
    }

    private static string Browsable(string address) =>
        address.Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "ImagePipeline is ready: open {Url} (data in {DataDirectory})")]
    private static partial void LogOpen(ILogger logger, string url, string dataDirectory);
}
