using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Web.Health;
using ImagePipeline.Web.Hubs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace ImagePipeline.Web.ScaleOut;

/// <summary>
/// Several instances sharing the work (README "Scaling out"), switched on by configuration only:
/// <list type="bullet">
/// <item>PostgreSQL (<c>Pipeline:Database:Provider=Postgres</c>): data-protection keys in the shared database, so sign-in
/// cookies and antiforgery tokens made by one instance are read by every other.</item>
/// <item>Redis (<c>ConnectionStrings:Redis</c>): the SignalR backplane, every instance's events relayed into every other
/// instance's broadcaster (Blazor components), and wake-ups across instances.</item>
/// </list>
/// Call after every other registration: it decorates <see cref="IPipelineEventPublisher"/> and <see cref="IRunnerWakeup"/>.
/// </summary>
public static class ScaleOutComposition
{
    public const string RedisConnectionName = "Redis";

    public static WebApplicationBuilder AddPipelineScaleOut(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        var provider = configuration.GetValue($"{PipelineOptions.SectionName}:Database:Provider", DatabaseProvider.Sqlite);
        if (provider == DatabaseProvider.Postgres)
        {
            // Replaces data/keys (the last PersistKeysTo... wins): one key ring for every instance.
            services.AddDataProtection().PersistKeysToDbContext<PipelineDbContext>();
        }

        var redis = configuration.GetConnectionString(RedisConnectionName);
        if (string.IsNullOrWhiteSpace(redis))
        {
            if (provider == DatabaseProvider.Postgres)
            {
                // No Redis: wake-ups across instances through PostgreSQL LISTEN/NOTIFY (events stay per instance).
                services.AddSingleton<PostgresWakeupListener>();
                Decorate<IRunnerWakeup>(services, (sp, inner) => ActivatorUtilities.CreateInstance<PostgresRunnerWakeup>(sp, inner));
                services.AddHostedService(sp => sp.GetRequiredService<PostgresWakeupListener>());
            }

            return builder;
        }

        AddRedis(services, configuration, redis);
        return builder;
    }

    /// <summary>
    /// The Redis part, in a method of its own: compiling a method loads the assemblies of the types it names, so with this code
    /// inline every start (SQLite, no Redis) loaded StackExchange.Redis — in the single binary, inflated from the bundle too.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void AddRedis(IServiceCollection services, IConfiguration configuration, string redis)
    {
        var prefix = configuration[$"{PipelineOptions.SectionName}:Redis:ChannelPrefix"] is { Length: > 0 } p ? p : "imagepipeline";
        var channels = new RedisChannels(prefix);
        services.AddSingleton(channels);
        services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(redis);
            options.AbortOnConnectFail = false; // start without Redis; reconnect in the background
            options.ClientName ??= "imagepipeline";
            return ConnectionMultiplexer.Connect(options);
        });
        services.AddSignalR().AddStackExchangeRedis(redis, o =>
        {
            o.Configuration.ChannelPrefix = RedisChannel.Literal(prefix + ":signalr");
            o.Configuration.AbortOnConnectFail = false;
        });

        // Events: the relay is the one layer that forwards to SignalR (through the backplane, so once per event, from the
        // instance where it happened); other instances' events reach only the local broadcaster (Blazor components).
        RemoveHostedService<HubEventForwarder>(services);
        services.AddSingleton<RedisEventRelay>();
        Decorate<IPipelineEventPublisher>(services, (sp, inner) => ActivatorUtilities.CreateInstance<RelayingEventPublisher>(sp, inner));
        services.AddHostedService(sp => sp.GetRequiredService<RedisEventRelay>());

        // Wake-ups: an enqueue on any instance rings the runners of all of them.
        services.AddSingleton<RedisWakeupRelay>();
        Decorate<IRunnerWakeup>(services, (sp, inner) => ActivatorUtilities.CreateInstance<RedisRunnerWakeup>(sp, inner));
        services.AddHostedService(sp => sp.GetRequiredService<RedisWakeupRelay>());

        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis");
    }

    /// <summary>A Worker answers <c>/health</c> and nothing else; true when the caller should map nothing more.</summary>
    public static bool MapWorkerOnly(this WebApplication app, Func<WebApplication, IEndpointConventionBuilder> mapHealth)
    {
        if (PipelineRoles.FromConfiguration(app.Configuration).ServesWeb())
        {
            return false;
        }

        mapHealth(app);
        // Anything else is 404 for everyone: without this the fallback authorization policy would send an anonymous caller
        // to a sign-in page that a Worker does not have.
        app.MapFallback("{**path}", () => TypedResults.NotFound()).AllowAnonymous();
        return true;
    }

    private static void RemoveHostedService<T>(IServiceCollection services)
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(T)).ToList())
        {
            services.Remove(descriptor);
        }
    }

    /// <summary>Wraps the current registration of <typeparamref name="TService"/>, whatever its form (type, factory or instance).</summary>
    internal static void Decorate<TService>(IServiceCollection services, Func<IServiceProvider, TService, TService> decorate)
        where TService : class
    {
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(TService))
            ?? throw new InvalidOperationException($"{typeof(TService).Name} must be registered before it is decorated.");
        services.Remove(existing);
        services.RemoveAll<TService>();
        services.Add(ServiceDescriptor.Describe(typeof(TService), sp => decorate(sp, (TService)Create(sp, existing)), existing.Lifetime));
    }

    private static object Create(IServiceProvider sp, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(sp)
        ?? ActivatorUtilities.CreateInstance(sp, descriptor.ImplementationType!);
}

/// <summary>The Redis channels of one deployment (<c>Pipeline:Redis:ChannelPrefix</c>, default <c>imagepipeline</c>).</summary>
internal sealed class RedisChannels(string prefix)
{
    public RedisChannel Events { get; } = RedisChannel.Literal(prefix + ":events");

    public RedisChannel Wakeups { get; } = RedisChannel.Literal(prefix + ":wake");
}
