using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ImagePipeline.Tests.Support;

/// <summary>
/// A database fault injector (registered as an EF <see cref="IInterceptor"/>): fails the first <c>failures</c> lease
/// renewals with SQLITE_BUSY, and can hold the duplicate-upload check until two uploads have both passed it.
/// </summary>
public sealed class CommandFaults : DbCommandInterceptor
{
    private int _renewalFailuresLeft;
    private int _duplicateChecks;

    public CommandFaults(int renewalFailures = 0, bool holdDuplicateChecks = false)
    {
        _renewalFailuresLeft = renewalFailures;
        HoldDuplicateChecks = holdDuplicateChecks;
    }

    public bool HoldDuplicateChecks { get; }

    public int RenewalFailures { get; private set; }

    /// <summary>Set when a renewal succeeds after every injected failure.</summary>
    public TaskCompletionSource RenewedAfterFailures { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TaskCompletionSource BothChecked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (IsRenewal(command) && Interlocked.Decrement(ref _renewalFailuresLeft) >= 0)
        {
            RenewalFailures++;
            throw new SqliteException("database is locked (injected)", 5);
        }

        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (IsRenewal(command) && result == 1 && Volatile.Read(ref _renewalFailuresLeft) < 0)
        {
            RenewedAfterFailures.TrySetResult();
        }

        return base.NonQueryExecutedAsync(command, eventData, result, cancellationToken);
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (HoldDuplicateChecks && command.CommandText.Contains("FROM \"Images\"", StringComparison.Ordinal)
            && command.CommandText.Contains("\"Sha256\" =", StringComparison.Ordinal))
        {
            if (Interlocked.Increment(ref _duplicateChecks) >= 2)
            {
                BothChecked.TrySetResult();
            }

            // Both uploads look for a duplicate before either has stored its row: the race, made certain.
            await BothChecked.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }

        return await base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    /// <summary>The lease renewal: an UPDATE of Jobs that sets LockedAt but not Status.</summary>
    private static bool IsRenewal(DbCommand command)
    {
        var sql = command.CommandText;
        var set = System.Text.RegularExpressions.Regex.Match(sql, @"\sSET\s").Index;
        var where = sql.IndexOf("WHERE", StringComparison.Ordinal);
        if (!sql.StartsWith("UPDATE \"Jobs\"", StringComparison.Ordinal) || set <= 0 || where < set)
        {
            return false;
        }

        var assignments = sql[set..where];
        return assignments.Contains("\"LockedAt\"", StringComparison.Ordinal) && !assignments.Contains("\"Status\"", StringComparison.Ordinal);
    }
}
