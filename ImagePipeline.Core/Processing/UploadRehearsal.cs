using System.Diagnostics.Metrics;
using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Diagnostics;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// The start-up warm-up's dress rehearsal of one upload → STORED, with the app's own classes on a throw-away data directory
/// (<c>tmp/warmup-…</c>: its own SQLite file and asset folders, deleted afterwards): the intake (hash, inspect, the duplicate
/// query, the INSERT of the image and its jobs), then one drain of a private runner (candidates, claim, the attempt row, the
/// image status, the preview and thumbnail of a 3 MP photo, complete, the lease renewal) where jobs run. The first real photo otherwise
/// pays for all of it: EF Core builds each query and command and its change-tracking snapshots on first use (~2,000 methods
/// compiled, docs/benchmarks.md "Cold start"). The contexts come from the app's own factory with only the connection string
/// changed, so EF's query cache is the app's. Nothing reaches the real database, the app's events, wake-ups or metrics.
/// SQLite only (on PostgreSQL a throw-away database cannot be made as cheaply; the rehearsal is skipped there).
/// </summary>
internal sealed class UploadRehearsal(
    IDbContextFactory<PipelineDbContext> contexts,
    IImageProcessor processor,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    PipelineOptions options,
    IRehearsalFrontDoor frontDoor)
{
    /// <summary>
    /// The rehearsal photo: 2000 × 1500 (9 MB decoded), past ImageSharp's 4 MB pool block, so it takes the pooled multi-block
    /// paths a 24 MP photo takes (the 480 px photo fits a shared array and does not: a JIT trace of the first 24 MP photo after
    /// it showed those as the only ImageSharp methods left to compile). A 4000 × 3000 one only cost more CPU at start. The 24 MP frame's page faults are taken by <see cref="CodecWarmup"/>'s pool priming.
    /// </summary>
    public const int Width = 2000;

    public const int Height = 1500;

    public const string FolderPrefix = "warmup-";

    /// <summary>
    /// The rehearsal photo, embedded: the warm-up photo (camera EXIF and ICC profile kept) enlarged to 3 MP and encoded as a
    /// camera would (4:2:0, quality 85; how it was made: Processing/Warmup/SOURCES.md). Made at start-up before, that cost
    /// the warm-up a resize and an encode of CPU (about 50 ms) the first photo was waiting for.
    /// </summary>
    public const string ResourceName = "ImagePipeline.Core.rehearsal.jpg";

    /// <summary>Runs it; returns false when skipped (not SQLite).</summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        if (options.Database.Provider != DatabaseProvider.Sqlite || !string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return false;
        }

        var root = Path.Combine(options.DataDirectoryFullPath, "tmp", FolderPrefix + Guid.NewGuid().ToString("N"));
        var rehearsal = Options.Create(new PipelineOptions
        {
            DataDirectory = root,
            Upload = options.Upload,
            Assets = options.Assets,
            Runner = new RunnerOptions { Concurrency = 1, MaxAttempts = 1, LeaseDuration = options.Runner.LeaseDuration, TrimMemoryWhenDrained = false },
            // Test hooks (Pipeline:Testing) are for real uploads only.
        });
        var connectionString = PipelineDatabase.ConnectionString(rehearsal.Value);
        try
        {
            var photo = await CodecWarmup.ReadEmbeddedAsync(ResourceName, cancellationToken);
            Directory.CreateDirectory(root);
            var factory = new RedirectedContexts(contexts, connectionString);
            await CopySchemaAsync(factory, cancellationToken);

            using var storage = new FileSystemAssetStorage(rehearsal);
            using var meters = new RenamedMeterFactory();
            var metrics = new PipelineMetrics(meters, new JobQueries(factory), time);
            var events = new PipelineEventBroadcaster();
            var jobs = new JobFactory(rehearsal, time);
            Guid imageId;
            await using (var db = factory.CreateDbContext())
            {
                // The rehearsal's own upload is not a real one: its intake tells a signal of its own.
                var intake = new ImageIntake(db, storage, jobs, events, NoWakeup.Instance, metrics, new WarmupStandAside(), rehearsal, time, NullLogger<ImageIntake>.Instance);
                imageId = await frontDoor.UploadAsync(intake, photo, "warm-up.jpg", cancellationToken);
            }

            if (!options.Runner.Enabled)
            {
                return true; // a web-only instance: the intake is all it runs
            }

            await using var checkpointer = new WalCheckpointer(factory, NullLogger<WalCheckpointer>.Instance);
            var store = new JobStore(factory, jobs, time, checkpointer);
            using var handoff = new PreviewPixelsHandoff();
            var budget = new DecodeMemoryBudget(rehearsal);
            var handlers = new JobHandlerRegistry(
                [
                    new PreviewJobHandler(storage, processor, budget, metrics, time, rehearsal, handoff),
                    new ThumbnailJobHandler(storage, processor, budget, metrics, time, rehearsal, handoff),
                ],
                NullLogger<JobHandlerRegistry>.Instance);
            var runner = new JobRunner(store, handlers, events, storage, new RunnerIdentity(), rehearsal, time, lifetime, metrics, handoff, NullLogger<JobRunner>.Instance);
            await runner.DrainAsync(cancellationToken);
            cancellationToken.ThrowIfCancellationRequested(); // a drain that was called off returns quietly, its job released
            await using (var db = factory.CreateDbContext())
            {
                // A handler's failure ends in the job's row, not here: say so, or the warm-up would quietly warm the wrong paths.
                var status = await db.Images.AsNoTracking().Where(i => i.Id == imageId).Select(i => i.Status).FirstAsync(cancellationToken);
                if (status != ImageStatus.Stored)
                {
                    var error = await db.Jobs.AsNoTracking().Where(j => j.ImageId == imageId && j.LastError != null).Select(j => j.LastError).FirstOrDefaultAsync(cancellationToken);
                    throw new InvalidOperationException($"The warm-up's rehearsal upload ended {status}: {error}");
                }
            }

            // The engine once more, now that the compiling above has settled: the runtime counts calls of precompiled (ReadyToRun)
            // methods only once no new method has been compiled for 100 ms, and recompiles the hot ones (tier 1) after 30 calls.
            // Without this pass the first 24 MP photos were those 30 calls (JIT trace: ~1,300 tier-1 compilations during photos 1–5).
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken);
            for (var pass = 0; pass < 2; pass++)
            {
                using var original = new MemoryStream(photo, writable: false);
                await processor.ResizeAsync(original, Stream.Null, options.Assets.PreviewSize, cancellationToken);
            }

            // What a long job adds: the lease renewal (of a claim that no longer holds: zero rows), and the check after a lost one.
            var job = new Job { Id = Guid.NewGuid(), ImageId = imageId, Type = JobType.Preview };
            await store.RenewAsync(new JobClaim(job, "warm-up", 0), cancellationToken);
            await store.ImageExistsAsync(imageId, cancellationToken);
            return true;
        }
        finally
        {
            SqliteConnection.ClearPool(new SqliteConnection(connectionString));
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Swept with the rest of tmp/ at the next start.
            }
        }
    }

    /// <summary>
    /// The live database's schema (tables and indexes as migrated, no rows) replayed on the throw-away file: a few ms, where
    /// EF Core's EnsureCreated (or the migrations) compiled the model differ and DDL generators, ~0.35 s of CPU.
    /// </summary>
    private async Task CopySchemaAsync(IDbContextFactory<PipelineDbContext> rehearsal, CancellationToken cancellationToken)
    {
        var statements = new List<string>();
        await using (var live = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await live.Database.OpenConnectionAsync(cancellationToken);
            await using var read = live.Database.GetDbConnection().CreateCommand();
            read.CommandText = "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY rowid";
            await using var rows = await read.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
            {
                statements.Add(rows.GetString(0));
            }
        }

        await using var db = rehearsal.CreateDbContext();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken); // one commit, not one per table
        foreach (var statement in statements)
        {
            await using var create = connection.CreateCommand();
            create.Transaction = transaction;
            create.CommandText = statement;
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The app's contexts (same options, interceptors and internal service provider, so the same query cache) on another file.</summary>
    private sealed class RedirectedContexts(IDbContextFactory<PipelineDbContext> inner, string connectionString) : IDbContextFactory<PipelineDbContext>
    {
        public PipelineDbContext CreateDbContext()
        {
            var db = inner.CreateDbContext();
            db.Database.SetConnectionString(connectionString);
            return db;
        }
    }

    /// <summary>Meters nobody listens to: the rehearsal's upload and jobs must not show in the app's metrics.</summary>
    private sealed class RenamedMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(options.Name + ".Warmup") { Version = options.Version });
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            lock (_meters)
            {
                _meters.ForEach(m => m.Dispose());
            }
        }
    }

    private sealed class NoWakeup : IRunnerWakeup
    {
        public static readonly NoWakeup Instance = new();

        public void Wake()
        {
        }
    }
}
