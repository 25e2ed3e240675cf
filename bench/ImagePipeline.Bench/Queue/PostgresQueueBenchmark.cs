using ImagePipeline.Bench.Data;
using ImagePipeline.Bench.Measurement;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore;
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
            report.WriteLine("Query plan of the candidates: `EXPLAIN (ANALYZE, COSTS OFF)` of the SQL EF Core sends for the first query of");
            report.WriteLine("`FindCandidatesAsync` (the same LINQ, `ToQueryString()`, with its parameters), after the claims:");
            report.WriteLine();
            report.WriteLine("```");
            report.WriteLine(await ExplainCandidatesAsync(database, connection));
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

    /// <summary>The candidates query as <see cref="JobStore.FindCandidatesAsync"/> writes it, explained with its parameters.</summary>
    private static async Task<string> ExplainCandidatesAsync(BenchDatabase database, string connection)
    {
        var now = DateTime.UtcNow;
        var limit = 4;
        await using var context = await database.Services.GetRequiredService<IDbContextFactory<PipelineDbContext>>().CreateDbContextAsync();
        var open = context.Jobs.Where(JobStore.IsOpen);
        var sql = context.Jobs.Where(j => j.Status == JobStatus.Pending && j.RunAfter <= now)
            .Where(j => j.Type != JobType.Thumbnail || !open.Any(p => p.ImageId == j.ImageId && p.Type == JobType.Preview))
            .OrderBy(j => j.RunAfter).Take(limit)
            .Select(j => new JobCandidate(j.Id, j.Version))
            .ToQueryString();
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, COSTS OFF) " + string.Join('\n', sql.Split('\n').Where(l => !l.StartsWith("--", StringComparison.Ordinal))), db);
        // The parameter lines ("-- @name='value' ...") name them; the values are the two above.
        foreach (var line in sql.Split('\n').Where(l => l.StartsWith("-- @", StringComparison.Ordinal)))
        {
            var name = line[3..line.IndexOf('=', StringComparison.Ordinal)];
            command.Parameters.Add(line.Contains("DateTime", StringComparison.Ordinal) || line.Contains('T', StringComparison.Ordinal) && line.Contains(':', StringComparison.Ordinal)
                ? new NpgsqlParameter(name, now)
                : new NpgsqlParameter(name, limit));
        }

        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return sql.Trim() + Environment.NewLine + Environment.NewLine + string.Join(Environment.NewLine, lines);
    }
}
