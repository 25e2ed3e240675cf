using Microsoft.Data.Sqlite;

namespace ImagePipeline.Core.Data;

/// <summary>Recognises a unique-index violation (SQLite's SQLITE_CONSTRAINT_UNIQUE, PostgreSQL's 23505), however wrapped.</summary>
public static class UniqueViolation
{
    private const int SqliteConstraintUnique = 2067;

    public static bool Is(Exception? exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is SqliteException { SqliteExtendedErrorCode: SqliteConstraintUnique }
                or Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>PostgreSQL broke a deadlock by failing this transaction (two concurrent inserts meeting in a unique index):
    /// like a unique violation, another writer got there first, and looking again is the answer.</summary>
    public static bool IsDeadlock(Exception? exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.DeadlockDetected })
            {
                return true;
            }
        }

        return false;
    }
}
