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
            var samples = Math.Max(200, runs * 40);
            var claims = await ClaimSamples.RunAsync(store, samples);
            var (find, claim, total) = (claims.Find, claims.Claim, claims.Total);

            report.WriteLine($"## Queue on PostgreSQL: {QueueBenchmark.PendingJobs:N0} PENDING jobs (real PipelineDbContext + PostgreSQL migrations)");
            report.WriteLine();
            report.WriteLine($"{samples} claims, each after 10 warm-up claims. Milliseconds.");
            report.WriteLine();
            var table = new MarkdownTable("operation", "median", "p95", "min", "max", "target", "met");
            QueueBenchmark.Row(table, "FindCandidatesAsync(limit 4)", find, null);
            QueueBenchmark.Row(table, "TryClaimAsync", claim, null);
            QueueBenchmark.Row(table, "claim = find + TryClaim", total, ("p95 ≤ 5 ms", s => Stats.Quantile(s, 0.95) <= 5));
            report.WriteLine(table);
            claims.Report(report);
            report.WriteLine("Query plan of the candidates (`EXPLAIN (ANALYZE, COSTS OFF)` of the equivalent SQL, after the claims):");
            report.WriteLine();
            report.WriteLine("```");
            report.WriteLine(await ExplainAsync(connection,
                "SELECT j.\"Id\", j.\"Version\" FROM \"Jobs\" j WHERE j.\"Status\" = 'PENDING' AND j.\"RunAfter\" <= now() AND (j.\"Type\" <> 'THUMBNAIL' OR NOT EXISTS "
                + "(SELECT 1 FROM \"Jobs\" p WHERE p.\"ImageId\" = j.\"ImageId\" AND p.\"Type\" = 'PREVIEW' AND p.\"Status\" IN ('PENDING', 'PROCESSING'))) ORDER BY j.\"RunAfter\" LIMIT 4"));
            report.WriteLine("```");
            report.WriteLine();
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

    private static async Task<string> ExplainAsync(string connection, string sql)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, COSTS OFF) " + sql, db);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join(Environment.NewLine, lines);
    }
}
