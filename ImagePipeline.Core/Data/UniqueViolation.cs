using Microsoft.Data.Sqlite;

namespace ImagePipeline.Core.Data;

/// <summary>Recognises a unique-index violation (SQLITE_CONSTRAINT_UNIQUE), however wrapped.</summary>
public static class UniqueViolation
{
    private const int SqliteConstraintUnique = 2067;

    public static bool Is(Exception? exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is SqliteException { SqliteExtendedErrorCode: SqliteConstraintUnique })
            {
                return true;
            }
        }

        return false;
    }
}
