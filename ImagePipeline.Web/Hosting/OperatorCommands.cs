using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Web.Hosting;

/// <summary>The commands an operator runs against a data directory without starting the web app.</summary>
public static class OperatorCommands
{
    public static async Task<int> RunAsync(IServiceProvider services, HostCommand command, TextWriter output, CancellationToken cancellationToken, TextWriter? error = null)
    {
        try
        {
            return command.Verb switch
            {
                HostCommand.Migrate => await MigrateAsync(services, output, cancellationToken),
                HostCommand.Backup => await BackupAsync(services, command, output, cancellationToken),
                HostCommand.Restore => await RestoreAsync(services, command, output, cancellationToken),
                HostCommand.Backfill => await BackfillAsync(services, command, output, cancellationToken),
                HostCommand.CreateAdmin => await AdminAccount.CreateAsync(services, command, output, cancellationToken),
                HostCommand.MigrateToPostgres => await MoveToPostgres.RunAsync(services, command, output, cancellationToken),
                _ => throw new InvalidOperationException($"No operator command '{command.Verb}'."),
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or InvalidDataException or UnauthorizedAccessException or OptionsValidationException)
        {
            await (error ?? Console.Error).WriteLineAsync($"{command.Verb} failed: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> MigrateAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        var applied = await services.GetRequiredService<DatabaseInitializer>().MigrateAsync(cancellationToken);
        await output.WriteLineAsync(applied.Count == 0
            ? $"Database {DatabasePath(services)} is up to date."
            : $"Applied {applied.Count} migration(s) to {DatabasePath(services)}: {string.Join(", ", applied)}");
        return 0;
    }

    private static async Task<int> BackupAsync(IServiceProvider services, HostCommand command, TextWriter output, CancellationToken cancellationToken)
    {
        if (command.Arguments is not [var destination])
        {
            throw new InvalidOperationException("Usage: backup <file.tar>");
        }

        RequireSqlite(services, "backup");

        var database = DatabasePath(services);
        if (!File.Exists(database))
        {
            throw new InvalidOperationException($"There is no database at {database}.");
        }

        var options = services.GetRequiredService<IOptions<PipelineOptions>>().Value;
        var manifest = await BackupArchive.CreateAsync(ConnectionString(services), options.DataDirectoryFullPath, destination, cancellationToken);
        await output.WriteLineAsync($"Backed up {options.DataDirectoryFullPath} to {Path.GetFullPath(destination)}: " +
            $"{manifest.Files.Count} file(s), {manifest.Files.Sum(f => f.Size)} bytes.");
        return 0;
    }

    private static async Task<int> RestoreAsync(IServiceProvider services, HostCommand command, TextWriter output, CancellationToken cancellationToken)
    {
        if (command.Arguments is not [var archive])
        {
            throw new InvalidOperationException("Usage: restore <file.tar> --data-dir <empty folder>");
        }

        RequireSqlite(services, "restore");

        var dataDirectory = services.GetRequiredService<IOptions<PipelineOptions>>().Value.DataDirectoryFullPath;
        var count = await BackupArchive.RestoreAsync(archive, dataDirectory, cancellationToken);
        await output.WriteLineAsync($"Restored {count} file(s) into {dataDirectory}. Start the app on it; pending migrations run (with a backup) at start-up.");
        return 0;
    }

    private static async Task<int> BackfillAsync(IServiceProvider services, HostCommand command, TextWriter output, CancellationToken cancellationToken)
    {
        var batchSize = int.TryParse(command.Option("batch-size"), out var size) && size is > 0 and <= 10_000 ? size : 100;
        await services.GetRequiredService<DatabaseInitializer>().MigrateAsync(cancellationToken);
        var admin = services.GetRequiredService<JobAdmin>();
        int enqueued = 0, images = 0, remaining;
        do
        {
            var result = await admin.BackfillAsync(batchSize, cancellationToken);
            enqueued += result.Enqueued;
            images += result.ImagesInBatch;
            remaining = result.Remaining;
            await output.WriteLineAsync($"batch: {result.Enqueued} job(s) for {result.ImagesInBatch} image(s); {result.Remaining} image(s) still to do");
            if (result.Enqueued == 0)
            {
                break;
            }
        }
        while (remaining > 0);

        await output.WriteLineAsync($"Backfill enqueued {enqueued} job(s) for {images} image(s); the app's runner processes them.");
        return 0;
    }

    private static string ConnectionString(IServiceProvider services)
    {
        using var db = services.GetRequiredService<IDbContextFactory<PipelineDbContext>>().CreateDbContext();
        return db.Database.GetConnectionString() ?? throw new InvalidOperationException("No database connection string.");
    }

    private static string DatabasePath(IServiceProvider services) =>
        IsPostgres(services)
            ? $"PostgreSQL database {new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString(services)).Database}"
            : new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString(services)).DataSource;

    private static bool IsPostgres(IServiceProvider services) =>
        services.GetRequiredService<IOptions<PipelineOptions>>().Value.Database.Provider == DatabaseProvider.Postgres;

    /// <summary>backup/restore pack the SQLite file with the data directory; PostgreSQL has its own tools.</summary>
    private static void RequireSqlite(IServiceProvider services, string verb)
    {
        if (IsPostgres(services))
        {
            throw new InvalidOperationException(
                $"'{verb}' works on the SQLite database only. With PostgreSQL back up the database with pg_dump and the data directory with your file tools (README \"Scaling out\").");
        }
    }
}
