namespace ImagePipeline.Web.Hosting;

/// <summary>
/// Builds the app's endpoints on the other core while the hosted services start (the database check, the runner's scheduler),
/// instead of after them on the start-up thread: ASP.NET Core builds them all when it builds the request pipeline (the
/// authorization middleware's policy cache reads every endpoint), and the Blazor and progress hubs' method executors compiled
/// there were the largest single step before Kestrel listened (docs/benchmarks.md, "seventh stop"). The first hosted service to
/// start; the request pipeline's own build then finds the work done, or waits for the part still running. A failure here
/// changes nothing: that build raises it again, where it always did.
/// </summary>
public sealed partial class EndpointPrebuild(ILogger<EndpointPrebuild> logger) : IHostedService
{
    private IReadOnlyList<EndpointDataSource> _sources = [];

    /// <summary>Completes when the endpoints are built (or the build failed, or there was nothing to build).</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Registers it to start before every other hosted service.</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<EndpointPrebuild>();
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<EndpointPrebuild>()));
    }

    /// <summary>The app's endpoints, once mapped.</summary>
    public void Use(IEndpointRouteBuilder app) => _sources = [.. app.DataSources];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var sources = _sources;
        if (sources.Count > 0)
        {
            Completion = Task.Run(() => Build(sources), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Build(IReadOnlyList<EndpointDataSource> sources)
    {
        try
        {
            foreach (var source in sources)
            {
                _ = source.Endpoints;
            }

            StartupTimeline.Mark("endpoints built (in the background)");
        }
        catch (Exception ex)
        {
            LogPrebuildFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Building the endpoints ahead of the request pipeline failed; the pipeline's own build reports it")]
    private static partial void LogPrebuildFailed(ILogger logger, Exception exception);
}
