using Microsoft.Extensions.Configuration.Memory;

namespace ImagePipeline.Web.Hosting;

/// <summary>The whole program: parse the command line, then run the web app or one operator command.</summary>
public static class PipelineHost
{
    /// <summary>True when running as the single-file executable (see <see cref="IsBundled"/>).</summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "An empty location is exactly the single-file signal.")]
    public static bool IsSingleFile => IsBundled(typeof(PipelineHost).Assembly.Location, Environment.ProcessPath);

    /// <summary>
    /// The app's assembly was loaded from the bundle (no location on disk), or, in a single file published with
    /// <c>IncludeAllContentForSelfExtract</c>, from the extraction folder (~/.net/…) rather than from beside the executable.
    /// Not when started by the <c>dotnet</c> host or an app host beside its assemblies (build output, folder publish, tests).
    /// </summary>
    internal static bool IsBundled(string assemblyLocation, string? processPath) =>
        string.IsNullOrEmpty(assemblyLocation)
        || (processPath is not null
            && !string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.Ordinal)
            && !string.Equals(Path.GetDirectoryName(assemblyLocation), Path.GetDirectoryName(processPath), StringComparison.Ordinal));

    /// <summary>The single binary's own folder (appsettings.json beside it), wherever it is started from or extracted to.</summary>
    private static string ExecutableDirectory() =>
        Path.GetDirectoryName(Environment.ProcessPath) is { Length: > 0 } directory ? directory : AppContext.BaseDirectory;

    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default) =>
        RunAsync(args, Console.Out, Console.Error, cancellationToken);

    /// <summary>The same, writing an operator command's report to <paramref name="output"/> and its failure to <paramref name="error"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        StartupTimeline.Mark("Main");
        using var unpacked = BundleExtractionJanitor.HoldCurrentFolder(TimeProvider.System); // no other version's sweep deletes it now
        var command = CommandLineParser.Parse(args);
        if (command.Error is not null)
        {
            await Console.Error.WriteLineAsync(command.Error);
            return 2;
        }

        switch (command.Verb)
        {
            case HostCommand.Help:
                await Console.Out.WriteLineAsync(command.HelpText);
                return 0;
            case HostCommand.Version:
                await Console.Out.WriteLineAsync($"ImagePipeline {Usage.Version}");
                return 0;
        }

        var builder = CreateBuilder(command.HostArgs);
        StartupTimeline.Mark("configuration read (WebApplication.CreateBuilder)");
        _ = Core.Data.CompiledModelPreload.Start(builder.Configuration); // on the other core, while this one adds and maps
        builder.AddImagePipelineWeb();
        StartupTimeline.Register(builder);
        StartupTimeline.Mark("services added");
        var app = builder.Build();
        StartupTimeline.Mark("host built");
        if (command.Verb != HostCommand.Serve)
        {
            await using (app)
            {
                return await OperatorCommands.RunAsync(app.Services, command, output, cancellationToken, error);
            }
        }

        StartupTimeline.Use(app);
        app.UseImagePipelineWeb();
        app.Services.GetRequiredService<EndpointPrebuild>().Use(app);
        StartupBanner.Register(app);
        StartupTimeline.Mark("request pipeline built");
        await app.RunAsync();
        return 0;
    }

    private static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // The single binary reads appsettings.json from beside itself, wherever it is started from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = IsSingleFile ? ExecutableDirectory() : null,
        });
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = BuiltInDefaults() });
        // Under systemd (Type=notify): readiness and stopping notifications, journald-friendly console logs. Elsewhere a no-op.
        builder.Services.AddSystemd();
        return builder;
    }

    /// <summary>The embedded copy of the project's appsettings.json: the lowest-priority configuration source.</summary>
    private static IEnumerable<KeyValuePair<string, string?>> BuiltInDefaults()
    {
        using var stream = typeof(PipelineHost).Assembly.GetManifestResourceStream("ImagePipeline.Web.appsettings.defaults.json");
        if (stream is null)
        {
            return [];
        }

        return new ConfigurationBuilder().AddJsonStream(stream).Build().AsEnumerable().ToList();
    }
}
