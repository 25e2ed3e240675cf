using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ImagePipeline.Core.Jobs;

/// <summary>
/// Keeps SQLite's write-ahead log short without making a runner transition pay for it. The runner's connections checkpoint
/// on their own only past <see cref="RunnerAutoCheckpointPages"/> (a hard bound; every other connection keeps SQLite's 1,000),
/// so the claim, renewal or finish whose commit crosses 1,000 pages no longer copies them into the database and fsyncs it.
/// Instead every <see cref="TransitionsPerCheckpoint"/> runner commits start a PASSIVE checkpoint on a connection of its own,
/// on the thread pool: it copies the log into the database while the next claims go on (PASSIVE never blocks a writer), and the
/// next write transaction after it restarts the log from its beginning. One runs at a time. A no-op on PostgreSQL.
/// </summary>
public sealed partial class WalCheckpointer(IDbContextFactory<PipelineDbContext> contexts, ILogger<WalCheckpointer> logger) : IAsyncDisposable, IDisposable
{
    /// <summary>Runner commits between two background checkpoints: a claim writes ~15 pages (QueueClaimTests), so about SQLite's own 1,000.</summary>
    public const int TransitionsPerCheckpoint = 64;

    /// <summary>The runner connections' <c>wal_autocheckpoint</c>: the log's bound (~16 MB) should background checkpoints fall behind.</summary>
    public const int RunnerAutoCheckpointPages = 4_000;

    private readonly Lock _gate = new();
    private Task _running = Task.CompletedTask;
    private int _commits;
    private bool _disposed;

    /// <summary>A runner transition committed on SQLite: every <see cref="TransitionsPerCheckpoint"/>th starts a background checkpoint.</summary>
    public void Committed()
    {
        if (Interlocked.Increment(ref _commits) % TransitionsPerCheckpoint != 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_disposed || !_running.IsCompleted)
            {
                return; // one at a time: the running one copies these pages too
            }

            _running = Task.Run(CheckpointAsync);
        }
    }

    /// <summary>Completes when no background checkpoint runs (tests; disposal).</summary>
    public Task IdleAsync()
    {
        lock (_gate)
        {
            return _running;
        }
    }

    public async ValueTask DisposeAsync() => await Stop();

    /// <summary>For a service provider disposed synchronously: waits for a running checkpoint (it never throws).</summary>
    public void Dispose() => Stop().GetAwaiter().GetResult();

    private Task Stop()
    {
        lock (_gate)
        {
            _disposed = true;
            return _running;
        }
    }

    private async Task CheckpointAsync()
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(PASSIVE);");
        }
        catch (Exception ex)
        {
            // Harmless: the next one, or the connections' own auto-checkpoint, copies these pages.
            LogCheckpointFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Background WAL checkpoint failed; the next one retries")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);
}
