using ImagePipeline.Bench.Data;
using ImagePipeline.Bench.Measurement;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ImagePipeline.Bench.Queue;

/// <summary>
/// The runner's claim (find 4 candidates, then the conditional update) with 100,000 PENDING jobs on PostgreSQL
/// (<c>Pipeline:Database:Provider=Postgres</c>, the app's own migrations), in a fresh database that is dropped afterwards.
/// The server is named by IMAGEPIPELINE_BENCH_POSTGRES, e.g. <c>Host=127.0.0.1;Port=5432;Username=postgres</c>.
/// </summary>
public sealed class PostgresQueueBenchmark(int runs, string outputRoot)
{
    public async Task RunAsync(TextWriter report)
    {
        var server = Environment.GetEnvironmentVariable("IMAGEPIPELINE_BENCH_POSTGRES")
            ?? throw new InvalidOperationException("Set IMAGEPIPELINE_BENCH_POSTGRES to an Npgsql connection string (no database).");
        var connection = new NpgsqlConnectionStringBuilder(server) { Database = $"ip_bench_{Guid.NewGuid():N}"[..30] }.ConnectionString;
        try
        {
            await using var database = await BenchDatabase.CreateAsync(outputRoot, "queue-postgres", new Dictionary<string, string?>
            {
                ["Pipeline:Database:Provider"] = "Postgres",
                ["ConnectionStrings:Pipeline"] = connection,
            });
            Console.Error.WriteLine("  seeding the PostgreSQL queue database...");
            await database.SeedAsync(QueueBenchmark.PendingJobs / 2, ImageStatus.Ingested, JobStatus.Pending);
            var store = database.Services.GetRequiredService<JobStore>();
            var lease = TimeSpan.FromMinutes(2);
            var samples = Math.Max(200, runs * 40);
            var find = new List<double>();
            var claim = new List<double>();
            var total = new List<double>();
            for (var i = -10; i < samples; i++)
            {
                IReadOnlyList<JobCandidate> candidates = [];
                var findMs = await Stopwatches.TimeAsync(async () => candidates = await store.FindCandidatesAsync(lease, 4, CancellationToken.None));
                var claimMs = await Stopwatches.TimeAsync(() => store.TryClaimAsync(candidates[0], "bench-runner", lease, CancellationToken.None));
                if (i >= 0)
                {
                    find.Add(findMs);
                    claim.Add(claimMs);
                    total.Add(findMs + claimMs);
                }
            }

            report.WriteLine($"## Queue on PostgreSQL: {QueueBenchmark.PendingJobs:N0} PENDING jobs (real PipelineDbContext + PostgreSQL migrations)");
            report.WriteLine();
            report.WriteLine($"{samples} claims, each after 10 warm-up claims. Milliseconds.");
            report.WriteLine();
            var table = new MarkdownTable("operation", "median", "p95", "min", "max", "target", "met");
            QueueBenchmark.Row(table, "FindCandidatesAsync(limit 4)", find, null);
            QueueBenchmark.Row(table, "TryClaimAsync", claim, null);
            QueueBenchmark.Row(table, "claim = find + TryClaim", total, ("p95 ≤ 5 ms", s => Stats.Quantile(s, 0.95) <= 5));
            report.WriteLine(table);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(connection).Database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
