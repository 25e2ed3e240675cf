using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ImagePipeline.Core.Data;

/// <summary>
/// Every SQLite connection: WAL journal (readers never block the writer), a busy timeout, foreign keys, and full sync: with
/// NORMAL a committed row (an acknowledged upload) could roll back after an OS crash or power loss. Cost: docs/benchmarks.md.
/// SQLite's default auto-checkpoint (1,000 pages) is set again too: the runner's connections relax both (see <see cref="Jobs.WalCheckpointer"/>).
/// </summary>
public sealed class SqliteConnectionInterceptor : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=15000; PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=1000; PRAGMA foreign_keys=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
