using ImagePipeline.Bench.Data;
using ImagePipeline.Bench.Measurement;
using ImagePipeline.Bench.Queue;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Bench.Api;

/// <summary><c>GET /api/images</c>'s query (<see cref="ImageQueries.ListAsync"/>: count + a page of 100, newest first) over 10,000 images,
/// one DI scope per call as per request.</summary>
public sealed class ApiBenchmark(int runs, string outputRoot)
{
    public const int Images = 10_000;

    public async Task RunAsync(TextWriter report)
    {
        await using var database = await BenchDatabase.CreateAsync(outputRoot, "api");
        Console.Error.WriteLine("  seeding the image database...");
        await database.SeedAsync(Images, ImageStatus.Stored, JobStatus.Completed);
        var cases = new (string Name, Viewer Viewer, ImageStatus? Status, int Page)[]
        {
            ("admin, page 1", Viewer.System, null, 1),
            ("owner, page 1", new Viewer(BenchDatabase.Owner, false), null, 1),
            ("owner, status=STORED, page 1", new Viewer(BenchDatabase.Owner, false), ImageStatus.Stored, 1),
            ("admin, page 50 (offset 4,900)", Viewer.System, null, 50),
        };
        var samples = cases.ToDictionary(c => c.Name, _ => new List<double>());
        for (var i = -3; i < Math.Max(50, runs * 10); i++)
        {
            foreach (var c in cases)
            {
                var ms = await Stopwatches.TimeAsync(async () =>
                {
                    await using var scope = database.Services.CreateAsyncScope();
                    var (items, _) = await scope.ServiceProvider.GetRequiredService<ImageQueries>().ListAsync(c.Viewer, c.Status, c.Page, 100, CancellationToken.None);
                    if (items.Count != 100)
                    {
                        throw new InvalidOperationException($"Expected a full page, got {items.Count}.");
                    }
                });
                if (i >= 0)
                {
                    samples[c.Name].Add(ms);
                }
            }
        }

        report.WriteLine($"## API: `GET /api/images` query, page of 100 over {Images:N0} images (ImageQueries.ListAsync, count + page)");
        report.WriteLine();
        report.WriteLine($"{samples.First().Value.Count} calls per case after 3 warm-ups, cases interleaved. Milliseconds.");
        report.WriteLine();
        var table = new MarkdownTable("case", "median", "p95", "min", "max", "target", "met");
        foreach (var c in cases)
        {
            QueueBenchmark.Row(table, c.Name, samples[c.Name], ("median ≤ 20 ms", s => Stats.Of(s).Median <= 20));
        }

        report.WriteLine(table);
        report.WriteLine("Query plans (SQLite `EXPLAIN QUERY PLAN` of the equivalent SQL):");
        report.WriteLine();
        report.WriteLine("- admin page: `" + await database.ExplainAsync("SELECT * FROM Images ORDER BY CreatedAt DESC, Id DESC LIMIT 100 OFFSET 0") + "`");
        report.WriteLine("- owner page: `" + await database.ExplainAsync($"SELECT * FROM Images WHERE OwnerId = '{BenchDatabase.Owner}' ORDER BY CreatedAt DESC, Id DESC LIMIT 100") + "`");
        report.WriteLine("- owner + status page: `" + await database.ExplainAsync($"SELECT * FROM Images WHERE OwnerId = '{BenchDatabase.Owner}' AND Status = 'STORED' ORDER BY CreatedAt DESC, Id DESC LIMIT 100") + "`");
        report.WriteLine("- owner count: `" + await database.ExplainAsync($"SELECT COUNT(*) FROM Images WHERE OwnerId = '{BenchDatabase.Owner}'") + "`");
        report.WriteLine();
    }
}
