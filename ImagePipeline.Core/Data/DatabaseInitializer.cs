using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;

namespace ImagePipeline.Core.Data;

/// <summary>
/// Brings the database to the current schema at start-up: WAL mode, then — only when migrations are pending on an
/// existing database — a timestamped copy of the SQLite file (an online backup), then the migrations.
/// On PostgreSQL see <see cref="PostgresMigrator"/>.
/// </summary>
public sealed partial class DatabaseInitializer(IDbContextFactory<PipelineDbContext> contexts, TimeProvider time, ILogger<DatabaseInitializer> logger)
{
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Not IsNpgsql(): naming the PostgreSQL provider here would load it on every SQLite start. Two providers, so not SQLite is PostgreSQL.
        if (!db.Database.IsSqlite())
        {
            // PostgreSQL: created when missing, migrated under an advisory lock; backups are the server's (pg_dump).
            return await PostgresMigrator.MigrateAsync(db, logger, cancellationToken);
        }

        var connection = new SqliteConnectionStringBuilder(db.Database.GetConnectionString());
        if (File.Exists(connection.DataSource) && await AllAppliedAsync(db, cancellationToken))
        {
            return [];
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            return pending;
        }

        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        if (File.Exists(connection.DataSource) && (applied.Count > 0 || new FileInfo(connection.DataSource).Length > 0))
        {
            var backup = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(connection.DataSource))!, "backups",
                $"{Path.GetFileNameWithoutExtension(connection.DataSource)}-{time.GetUtcNow():yyyyMMdd-HHmmss}-before-{pending[0]}.db");
            await BackupAsync(connection.ConnectionString, backup, cancellationToken);
            LogBackedUp(logger, backup);
        }

        await db.Database.MigrateAsync(cancellationToken);
        LogMigrated(logger, string.Join(", ", pending));
        return pending;
    }

    /// <summary>
    /// Whether every migration this build knows is in the history table, read with two plain queries: the usual start, with
    /// nothing to do. EF Core's own check (<c>GetPendingMigrationsAsync</c>) first builds a model of the history table through
    /// its conventions, ~40 ms of the single binary's start-up (docs/benchmarks.md, "sixth stop"); anything else — no
    /// history table, a migration missing — goes on through EF Core's migrator as before (and so does a database file not yet
    /// there: opening a connection would create it, and it would then look like a database to back up).
    /// </summary>
    private static async Task<bool> AllAppliedAsync(PipelineDbContext db, CancellationToken cancellationToken)
    {
        var known = db.GetService<IMigrationsAssembly>().Migrations.Keys;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsHistory'";
            if (await command.ExecuteScalarAsync(cancellationToken) is null)
            {
                return false;
            }

            command.CommandText = """SELECT "MigrationId" FROM "__EFMigrationsHistory" """;
            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetString(0));
                }
            }

            return known.All(applied.Contains);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>A consistent copy of a live database through SQLite's online backup API.</summary>
    public static async Task BackupAsync(string connectionString, string destination, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        await using var source = new SqliteConnection(connectionString);
        await source.OpenAsync(cancellationToken);
        await using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = destination, Pooling = false }.ConnectionString);
        await target.OpenAsync(cancellationToken);
        source.BackupDatabase(target);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backed up the database to {Path} before migrating")]
    private static partial void LogBackedUp(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migrations: {Migrations}")]
    private static partial void LogMigrated(ILogger logger, string migrations);
}
