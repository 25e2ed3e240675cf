using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ImagePipeline.Web.Hosting;

/// <summary>
/// <c>migrate-to-postgres --data-dir ./data --to "Host=...;Database=..."</c>: the SQLite installation's database into a new,
/// empty PostgreSQL database (<see cref="PostgresMove"/>); the files stay in the data directory, which becomes the shared volume.
/// </summary>
public static class MoveToPostgres
{
    public static async Task<int> RunAsync(IServiceProvider services, HostCommand command, TextWriter output, CancellationToken cancellationToken)
    {
        var target = command.Option("to") is { Length: > 0 } to ? to : services.GetRequiredService<IConfiguration>().GetConnectionString("Pipeline");
        if (string.IsNullOrWhiteSpace(target))
        {
            throw new InvalidOperationException("Name the PostgreSQL database: --to \"Host=...;Database=...;Username=...\" (or ConnectionStrings__Pipeline).");
        }

        NpgsqlConnectionStringBuilder targetParts;
        try
        {
            targetParts = new NpgsqlConnectionStringBuilder(target);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"--to is not a PostgreSQL connection string: {ex.Message}", ex);
        }

        if (string.IsNullOrWhiteSpace(targetParts.Database))
        {
            throw new InvalidOperationException("The PostgreSQL connection string names no Database.");
        }

        var dataDirectory = services.GetRequiredService<IOptions<PipelineOptions>>().Value.DataDirectoryFullPath;
        var databaseFile = Path.Combine(dataDirectory, "pipeline.db");
        if (!File.Exists(databaseFile))
        {
            throw new InvalidOperationException($"There is no SQLite database at {databaseFile}.");
        }

        var loggers = services.GetRequiredService<ILoggerFactory>();
        var sqlite = PostgresMove.SqliteOptions(databaseFile);
        // The source first reaches the current schema (with the usual pre-migration backup), so every table of the model exists.
        var initializer = new DatabaseInitializer(new PooledDbContextFactory<PipelineDbContext>(sqlite), services.GetRequiredService<TimeProvider>(),
            loggers.CreateLogger<DatabaseInitializer>());
        await initializer.MigrateAsync(cancellationToken);

        var copied = await PostgresMove.CopyAsync(sqlite, target, Path.Combine(dataDirectory, "keys"), loggers.CreateLogger(typeof(MoveToPostgres)), cancellationToken);
        var where = $"database {targetParts.Database} on {targetParts.Host}:{targetParts.Port}";
        await output.WriteLineAsync($"Copied {databaseFile} into PostgreSQL {where} (one transaction):");
        foreach (var table in copied)
        {
            await output.WriteLineAsync($"  {table.Table,-22} {table.Rows,8}");
        }

        await output.WriteLineAsync($"""
            The image files stay in {dataDirectory}: mount it as every instance's data directory (the shared volume).
            {databaseFile} is left as it was and no longer read; keep it as a backup. Start the instances with:
              Pipeline__Database__Provider=Postgres
              ConnectionStrings__Pipeline=<the connection string given to --to>
              Pipeline__DataDirectory={dataDirectory}
            """);
        return 0;
    }
}
