using ImagePipeline.Bench.Data;
using ImagePipeline.Bench.Measurement;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Bench.Queue;

/// <summary>
/// What <c>PRAGMA synchronous=FULL</c> (the app's setting: a committed upload survives power loss) costs against NORMAL:
/// the intake's transaction (one image and its two jobs, committed alone, as each upload does) through the app's
/// <see cref="PipelineDbContext"/>, the two modes interleaved in blocks so the machine's load falls on both alike.
/// </summary>
public sealed class SyncBenchmark(int runs, string outputRoot)
{
    public async Task RunAsync(TextWriter report)
    {
        await using var database = await BenchDatabase.CreateAsync(outputRoot, "sync");
        await database.SeedAsync(10_000, ImageStatus.Stored, JobStatus.Completed);
        var contexts = database.Services.GetRequiredService<IDbContextFactory<PipelineDbContext>>();
        var jobs = database.Services.GetRequiredService<JobFactory>();
        var samples = new Dictionary<string, List<double>> { ["NORMAL"] = [], ["FULL"] = [] };
        var loadBefore = LoadAverage();
        var blocks = Math.Max(10, runs * 2);
        for (var block = -1; block < blocks; block++)
        {
            foreach (var mode in samples.Keys)
            {
                await using var db = await contexts.CreateDbContextAsync();
                await db.Database.OpenConnectionAsync();
                await db.Database.ExecuteSqlRawAsync(mode == "FULL" ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
                for (var i = 0; i < 20; i++)
                {
                    var ms = await Stopwatches.TimeAsync(() => CommitUploadAsync(db, jobs));
                    if (block >= 0)
                    {
                        samples[mode].Add(ms);
                    }
                }
            }
        }

        var loadAfter = LoadAverage();
        report.WriteLine("## SQLite sync mode: one upload's commit (image + 2 jobs), NORMAL vs FULL (WAL)");
        report.WriteLine();
        report.WriteLine($"{samples["FULL"].Count} commits per mode in interleaved blocks of 20, on a database of 10,000 images; milliseconds. "
            + $"Load average (1/5/15 min) before: {loadBefore}; after: {loadAfter}.");
        report.WriteLine();
        var table = new MarkdownTable("operation", "median", "p95", "min", "max", "target", "met");
        QueueBenchmark.Row(table, "commit, synchronous=NORMAL", samples["NORMAL"], null);
        QueueBenchmark.Row(table, "commit, synchronous=FULL", samples["FULL"], null);
        report.WriteLine(table);
        var normal = Stats.Of(samples["NORMAL"]).Median;
        var full = Stats.Of(samples["FULL"]).Median;
        report.WriteLine($"FULL costs {full - normal:F2} ms more per commit at the median ({(normal > 0 ? full / normal : 0):F1}×).");
        report.WriteLine();
    }

    private static async Task CommitUploadAsync(PipelineDbContext db, JobFactory jobs)
    {
        var now = DateTime.UtcNow;
        var id = Guid.CreateVersion7();
        db.Images.Add(new Image
        {
            Id = id,
            OriginalFileName = "photo.jpg",
            ContentType = "image/jpeg",
            Format = "JPEG",
            SizeBytes = 4_000_000,
            Width = 6000,
            Height = 4000,
            Sha256 = Convert.ToHexStringLower(id.ToByteArray()).PadRight(64, '1'),
            OriginalPath = $"originals/{id:N}.jpg",
            OwnerId = BenchDatabase.Owner,
            Status = ImageStatus.Ingested,
            CreatedAt = now,
            UpdatedAt = now,
        });
        db.Jobs.AddRange(JobFactory.AssetJobTypes.Select(type => jobs.Create(id, type)));
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
