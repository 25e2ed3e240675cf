using System.Runtime.CompilerServices;
using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Data.CompiledModel;
using Microsoft.Extensions.Configuration;

namespace ImagePipeline.Core.Data;

/// <summary>
/// Builds SQLite's compiled model on a thread-pool thread while the host is still reading its configuration, adding its
/// services and mapping its endpoints, which is one core's work: the other is free then. Otherwise the model's static
/// constructor runs on the start-up thread when the first hosted service needs the context factory (about 35 ms in the
/// sampled start-up trace), before <c>/health</c> can answer (docs/benchmarks.md, "eighth stop"). The result is the same
/// <see cref="PipelineDbContextModel.Instance"/> either way: the runtime runs a static constructor once, and a caller that
/// needs the model meanwhile waits for it. PostgreSQL builds its model from the conventions, so nothing is started then.
/// </summary>
public static class CompiledModelPreload
{
    /// <summary>Starts building the model when the configured provider is SQLite; the task completes when it is built.</summary>
    public static Task Start(IConfiguration configuration) =>
        UsesCompiledModel(configuration)
            ? Task.Run(() => RuntimeHelpers.RunClassConstructor(typeof(PipelineDbContextModel).TypeHandle))
            : Task.CompletedTask;

    /// <summary>SQLite (the default) uses the compiled model; an unreadable provider is left for options validation to report.</summary>
    internal static bool UsesCompiledModel(IConfiguration configuration) =>
        !Enum.TryParse<DatabaseProvider>(configuration[$"{PipelineOptions.SectionName}:Database:Provider"], ignoreCase: true, out var provider)
        || provider == DatabaseProvider.Sqlite;
}
