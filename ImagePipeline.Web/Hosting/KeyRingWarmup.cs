using Microsoft.AspNetCore.DataProtection;

namespace ImagePipeline.Web.Hosting;

/// <summary>
/// Loads the Data Protection key ring (data/keys, or the database's key table) once the app is listening instead of before:
/// ASP.NET Core's own hosted service reads it during start-up, which puts the XML stack (System.Private.Xml, ~8 MB to inflate
/// from the compressed single binary) and the key files' parsing ahead of the first <c>/health</c> (docs/benchmarks.md,
/// "Single-binary start: where the time goes"). Nothing is skipped: the key ring is loaded right after start (and created on a
/// first start), or by the first request that needs it if that comes sooner. "Right after start" is once the first request has
/// been answered (<see cref="FirstResponse"/>), so that it does not compete with it.
/// </summary>
public sealed partial class KeyRingWarmup(IDataProtectionProvider provider, FirstResponse firstResponse, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<KeyRingWarmup> logger) : IHostedService
{
    internal const string DataProtectionHostedServiceName = "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

    /// <summary>Swaps ASP.NET Core's start-up key ring load for this one. Call after every AddDataProtection().</summary>
    public static void Replace(IServiceCollection services)
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == DataProtectionHostedServiceName).ToList())
        {
            services.Remove(descriptor);
        }

        services.AddHostedService<KeyRingWarmup>();
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        firstResponse.RunAfterStart(Load, time, lifetime);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal void Load()
    {
        try
        {
            // Protecting anything reads the current key ring (and creates the first key if there is none).
            provider.CreateProtector("ImagePipeline.KeyRingWarmup").Protect([0]);
        }
        catch (Exception e)
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loading the Data Protection key ring after start failed; the first request that needs it will try again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
