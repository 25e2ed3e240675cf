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
}
