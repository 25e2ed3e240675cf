using System.Globalization;
using ImagePipeline.Bench.Data;
using ImagePipeline.Bench.Measurement;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Bench.Queue;

/// <summary>
/// The queue with 100,000 PENDING jobs (50,000 images × preview + thumbnail): the runner's claim
/// (<see cref="JobStore.FindCandidatesAsync"/> with the runner's batch of 4, then <see cref="JobStore.TryClaimAsync"/>)
/// and the admin counts (<see cref="JobQueries.CountsAsync"/>).
/// </summary>
public sealed class QueueBenchmark(int runs, string outputRoot)
{
    public const int PendingJobs = 100_000;

    public async Task RunAsync(TextWriter report)
    {
        await using var database = await BenchDatabase.CreateAsync(outputRoot, "queue");
        Console.Error.WriteLine("  seeding the queue database...");
        await database.SeedAsync(PendingJobs / 2, ImageStatus.Ingested, JobStatus.Pending);
        var store = database.Services.GetRequiredService<JobStore>();
        var queries = database.Services.GetRequiredService<JobQueries>();
        var samples = Math.Max(200, runs * 40);
        var claims = await ClaimSamples.RunAsync(store, samples);
        var (find, claim, total) = (claims.Find, claims.Claim, claims.Total);

        var counts = new List<double>();
        for (var i = -3; i < Math.Max(50, runs * 10); i++)
        {
            var ms = await Stopwatches.TimeAsync(() => queries.CountsAsync(CancellationToken.None));
            if (i >= 0)
            {
                counts.Add(ms);
            }
        }

        report.WriteLine($"## Queue: {PendingJobs:N0} PENDING jobs in a temp SQLite database (real PipelineDbContext + migrations)".Replace(',', ','));
        report.WriteLine();
        report.WriteLine($"{samples} claims, each after 10 warm-up claims; {counts.Count} counts queries. Milliseconds.");
        report.WriteLine();
        var table = new MarkdownTable("operation", "median", "p95", "min", "max", "target", "met");
        Row(table, "FindCandidatesAsync(limit 4)", find, null);
        Row(table, "TryClaimAsync", claim, null);
        Row(table, "claim = find + TryClaim", total, ("p95 ≤ 5 ms", s => Stats.Quantile(s, 0.95) <= 5));
        Row(table, "JobQueries.CountsAsync (admin counts)", counts, ("≤ 20 ms", s => Stats.Of(s).Median <= 20));
        report.WriteLine(table);
        claims.Report(report);
        report.WriteLine("Query plans (SQLite `EXPLAIN QUERY PLAN` of the equivalent SQL):");
        report.WriteLine();
        report.WriteLine("- candidates: `" + await database.ExplainAsync(
            "SELECT Id, Version FROM Jobs j WHERE Status = 'PENDING' AND RunAfter <= '9999' AND (Type <> 'THUMBNAIL' OR NOT EXISTS "
            + "(SELECT 1 FROM Jobs p WHERE p.ImageId = j.ImageId AND p.Type = 'PREVIEW' AND p.Status IN ('PENDING','PROCESSING'))) ORDER BY RunAfter LIMIT 4") + "`");
        report.WriteLine("- counts: `" + await database.ExplainAsync("SELECT Status, COUNT(*) FROM Jobs GROUP BY Status") + "`");
        report.WriteLine();
    }

    internal static void Row(MarkdownTable table, string name, List<double> samples, (string Text, Func<List<double>, bool> Met)? target)
    {
        var stats = Stats.Of(samples);
        string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
        table.Add(name, F(stats.Median), F(Stats.Quantile(samples, 0.95)), F(stats.Min), F(stats.Max),
            target?.Text ?? "–", target is { } t ? (t.Met(samples) ? "yes" : "**no**") : "–");
    }
}
