using Microsoft.Data.Sqlite;

namespace ImagePipeline.Core.Storage;

/// <summary>Recognises "out of space" from the filesystem (ENOSPC, EDQUOT) or from SQLite (SQLITE_FULL), however wrapped.</summary>
public static class DiskFull
{
    private const int NoSpace = 28; // ENOSPC
    private const int QuotaExceeded = 122; // EDQUOT
    private const int SqliteFull = 13; // SQLITE_FULL

    public static bool IsDiskFull(Exception? exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case SqliteException { SqliteErrorCode: SqliteFull }:
                    return true;
                case IOException io when io.HResult is NoSpace or QuotaExceeded || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase):
                    return true;
            }
        }

        return false;
    }
}
