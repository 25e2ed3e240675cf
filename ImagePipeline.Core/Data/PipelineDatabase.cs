using ImagePipeline.Core.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Core.Data;

/// <summary>
/// The provider switch (<c>Pipeline:Database:Provider</c>): SQLite with its migrations in this assembly, or PostgreSQL with
/// its migrations in <c>ImagePipeline.Data.Postgres</c> (one migrations assembly per provider, EF's usual way).
/// </summary>
public static class PipelineDatabase
{
    /// <summary>The assembly holding the PostgreSQL migrations (referenced by the web app, so it is inside the single binary).</summary>
    public const string PostgresMigrationsAssembly = "ImagePipeline.Data.Postgres";

    /// <summary>The connection string in force: <c>Pipeline:ConnectionString</c>, else <c>ConnectionStrings:Pipeline</c>, else (SQLite) <c>pipeline.db</c> in the data directory.</summary>
    public static string ConnectionString(PipelineOptions options) =>
        !string.IsNullOrWhiteSpace(options.ConnectionString) ? options.ConnectionString
        : options.Database.Provider == DatabaseProvider.Postgres ? throw new InvalidOperationException("Pipeline:Database:Provider=Postgres needs ConnectionStrings:Pipeline.")
        : $"Data Source={Path.Combine(options.DataDirectoryFullPath, "pipeline.db")};Cache=Private;Pooling=True";

    public static void Configure(DbContextOptionsBuilder db, PipelineOptions options, IServiceProvider services)
    {
        var connection = ConnectionString(options);
        // Any IInterceptor registered (tests inject database faults this way) applies to every context.
        var interceptors = services.GetServices<IInterceptor>();
        if (options.Database.Provider == DatabaseProvider.Postgres)
        {
            UseNpgsql(db, connection, interceptors);
            return;
        }

        // SQLite: the compiled model (Data/CompiledModel, made by scripts/add-migration.sh) instead of building the model at
        // start-up. It is the SQLite model only (PostgreSQL builds its own); CompiledModelTests fails when it is stale.
        db.UseSqlite(connection).UseModel(CompiledModel.PipelineDbContextModel.Instance)
            .AddInterceptors([services.GetRequiredService<SqliteConnectionInterceptor>(), .. interceptors]);
    }

    /// <summary>
    /// In a method of its own: compiling a method loads the assemblies of what it calls, so with this call inline every SQLite
    /// start loaded the PostgreSQL provider (and, in the single binary, inflated it from the bundle).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void UseNpgsql(DbContextOptionsBuilder db, string connection, IEnumerable<IInterceptor> interceptors) =>
        db.UseNpgsql(connection, npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly)).AddInterceptors(interceptors);
}
