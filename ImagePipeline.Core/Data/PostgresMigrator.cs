using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ImagePipeline.Core.Data;

/// <summary>
/// PostgreSQL start-up: creates the database when it does not exist, then applies the migrations under a session-level
/// advisory lock (<c>pg_advisory_lock</c>), so instances started at the same moment migrate one after the other: the first
/// migrates, the others wait for the lock and then find nothing pending.
/// </summary>
internal static partial class PostgresMigrator
{
    /// <summary>The advisory lock key: "ImagePipeline migrations", any constant shared by every instance.</summary>
    internal const long MigrationLockKey = 0x496D6750_4D696772; // "ImgPMigr"

    public static async Task<IReadOnlyList<string>> MigrateAsync(PipelineDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        var connectionString = db.Database.GetConnectionString() ?? throw new InvalidOperationException("No PostgreSQL connection string.");
        await EnsureDatabaseAsync(connectionString, logger, cancellationToken);

        // The lock lives on its own connection for the whole migration; it is released on unlock or when that session ends.
        await using var lockConnection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await lockConnection.OpenAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", lockConnection))
        {
            take.Parameters.AddWithValue("key", MigrationLockKey);
            take.CommandTimeout = 0; // wait as long as the other instance's migration takes
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            // A new database has no history table yet. Npgsql's IHistoryRepository.ExistsAsync always answers true and lets
            // the read of the missing table fail, which EF logs as an error ("Failed executing DbCommand"): so look it up in
            // the catalogue and create it first (still under the lock); then EF's reads find an empty table.
            if (!await HistoryTableExistsAsync(db, cancellationToken))
            {
                await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), cancellationToken);
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                await db.Database.MigrateAsync(cancellationToken);
                LogMigrated(logger, string.Join(", ", pending));
            }

            return pending;
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", lockConnection);
            release.Parameters.AddWithValue("key", MigrationLockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>Whether <c>__EFMigrationsHistory</c> exists where an unqualified name resolves (the connection's search_path), as EF reads it.</summary>
    private static async Task<bool> HistoryTableExistsAsync(PipelineDbContext db, CancellationToken cancellationToken) =>
        await db.Database.SqlQueryRaw<bool>("""SELECT to_regclass('"__EFMigrationsHistory"') IS NOT NULL AS "Value" """)
            .SingleAsync(cancellationToken);

    /// <summary>CREATE DATABASE through the maintenance database when the target does not exist; a concurrent creator's win is fine.</summary>
    private static async Task EnsureDatabaseAsync(string connectionString, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await using var probe = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            await probe.OpenAsync(cancellationToken);
            return;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            // Missing: create it below.
        }

        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var database = target.Database ?? throw new InvalidOperationException("ConnectionStrings:Pipeline names no Database.");
        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var quoted = "\"" + database.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
            LogCreated(logger, database);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another instance created it at the same moment.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the PostgreSQL database {Database}")]
    private static partial void LogCreated(ILogger logger, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migrations (PostgreSQL, under the migration lock): {Migrations}")]
    private static partial void LogMigrated(ILogger logger, string migrations);
}
