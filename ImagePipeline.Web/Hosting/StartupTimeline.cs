using System.Diagnostics;

namespace ImagePipeline.Web.Hosting;

/// <summary>
/// Where start-up spends its time (issue 15), only when the environment variable <c>IMAGEPIPELINE_STARTUP_TIMELINE=1</c> is set:
/// milliseconds since the process started (and CPU time used, all threads) at each phase (Main, configuration, services, host build, each hosted service's
/// start, Kestrel listening, the first <c>/health</c> answered), then the assemblies loaded by then. Logged at Warning under
/// the category <c>ImagePipeline.StartupTimeline</c> once the first <c>/health</c> has been answered; nothing at all otherwise.
/// </summary>
public static partial class StartupTimeline
{
    public const string EnvironmentVariable = "IMAGEPIPELINE_STARTUP_TIMELINE";

    private static readonly List<(string Phase, double Milliseconds, double CpuMilliseconds)> Marks = [];
    private static int reported;

    public static bool Enabled { get; } = Environment.GetEnvironmentVariable(EnvironmentVariable) == "1";

    /// <summary>Records a phase (thread-safe; a no-op unless enabled).</summary>
    public static void Mark(string phase)
    {
        if (!Enabled)
        {
            return;
        }

        var elapsed = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        var cpu = Environment.CpuUsage.TotalTime.TotalMilliseconds;
        lock (Marks)
        {
            Marks.Add((phase, elapsed, cpu));
        }
    }

    /// <summary>A marker after each hosted service (they start one after another) and the first <c>/health</c> answered.</summary>
    public static void Register(WebApplicationBuilder builder)
    {
        if (!Enabled)
        {
            return;
        }

        var services = builder.Services;
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IHostedService))
            {
                var name = services[i].ImplementationType?.Name ?? services[i].ImplementationFactory?.Method.ReturnType.Name ?? "hosted service";
                services.Insert(i + 1, ServiceDescriptor.Singleton<IHostedService>(new Marker($"hosted: {name} started")));
            }
        }

        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(new Marker("hosted services starting")));
    }

    public static void Use(WebApplication app)
    {
        if (!Enabled)
        {
            return;
        }

        app.Lifetime.ApplicationStarted.Register(() => Mark("ApplicationStarted (Kestrel listening)"));
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ImagePipeline.StartupTimeline");
        app.Use(async (context, next) =>
        {
            await next(context);
            if (context.Request.Path.StartsWithSegments("/health") && Interlocked.Exchange(ref reported, 1) == 0)
            {
                Mark("first /health answered");
                Report(logger);
            }
        });
    }

    private static void Report(ILogger logger)
    {
        lock (Marks)
        {
            var (previous, previousCpu) = (0.0, 0.0);
            foreach (var (phase, ms, cpu) in Marks)
            {
                LogPhase(logger, ms, ms - previous, cpu, cpu - previousCpu, phase);
                (previous, previousCpu) = (ms, cpu);
            }
        }

        var assemblies = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name ?? "?").Order(StringComparer.Ordinal).ToList();
        LogAssemblies(logger, assemblies.Count, string.Join(' ', assemblies));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "start-up {At,7:F1} ms (+{Delta,6:F1}), CPU {Cpu,7:F1} ms (+{CpuDelta,6:F1}): {Phase}")]
    private static partial void LogPhase(ILogger logger, double at, double delta, double cpu, double cpuDelta, string phase);

    [LoggerMessage(Level = LogLevel.Warning, Message = "start-up: {Count} assemblies loaded at the first /health: {Names}")]
    private static partial void LogAssemblies(ILogger logger, int count, string names);

    private sealed class Marker(string phase) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            Mark(phase);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
