using System.Diagnostics;
using System.Globalization;
using ImagePipeline.Bench.Measurement;

namespace ImagePipeline.Bench.EndToEnd;

/// <summary>
/// Only the batch and the idle memory after it (the e2e case's part (c)), for runtime-setting variants side by side:
/// <c>BENCH_IDLE_VARIANTS</c> = <c>name:KEY=VALUE,KEY=VALUE;name2:…</c> (default: one variant, the app's defaults; a variant's
/// <c>BENCH_APP=folder</c> runs that published build instead of the bench's), each started
/// fresh on its own data directory, in the order A B … then reversed (ABBA) for <c>--runs</c> / 5 rounds (at least 1), so
/// throughput and latency are compared within one run on the same machine state. Per run: 200 × 24 MP from 4 clients, peak RSS
/// (VmHWM reset before the batch), RSS 5/15/30 s after it (the target's reading) and 90 s after it (whether it stays there: the
/// app's second idle trim and its first trash purge, a minute after start, come in between), and what the resident set is made
/// of by mapping 30 s after it (<see cref="SmapsBreakdown"/>).
/// <c>BENCH_IDLE_HOLD</c> = seconds keeps each app running that long after the 90 s reading, to look at it from outside.
/// </summary>
public sealed class IdleMemoryBenchmark(int runs, string outputRoot)
{
    public async Task RunAsync(TextWriter report)
    {
        var appDll = await AppHost.LocateAsync(outputRoot);
        var variants = ParseVariants(Environment.GetEnvironmentVariable("BENCH_IDLE_VARIANTS"));
        var rounds = Math.Max(1, runs / 5);
        var photo = await File.ReadAllBytesAsync(Path.Combine(Corpus.Directory(), EndToEndBenchmark.PhotoFile));
        var loadBefore = MachineInfo.LoadAverage();
        var results = new List<(string Variant, Run Run)>();
        var order = new List<(string Name, Dictionary<string, string> Env)>();
        for (var round = 0; round < rounds; round++)
        {
            order.AddRange(round % 2 == 0 ? variants : Enumerable.Reverse(variants));
        }

        var n = 0;
        foreach (var (name, env) in order)
        {
            Console.Error.WriteLine($"  {name}: {EndToEndBenchmark.BatchImages} × 24 MP from {EndToEndBenchmark.BatchClients} clients, then idle...");
            // A variant's BENCH_APP (a published app folder, or the single binary's) runs that build instead: two builds side by side.
            var dll = env.TryGetValue("BENCH_APP", out var folder)
                ? AppHost.InFolder(folder) ?? throw new FileNotFoundException($"No ImagePipeline.Web.dll or single binary in {folder}")
                : appDll;
            var appEnv = env.Where(e => e.Key != "BENCH_APP").ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
            results.Add((name, await OneRunAsync(dll, Path.Combine(outputRoot, $"idle-data-{n++}"), appEnv, photo)));
        }

        report.WriteLine("## Idle memory after a batch, by runtime setting");
        report.WriteLine();
        report.WriteLine($"Load average (1, 5, 15 min) before: {loadBefore}; after: {MachineInfo.LoadAverage()}. Variants run fresh, one after another "
            + $"in the order {string.Join(" ", order.Select(o => o.Name))} (interleaved: compare throughput and latency only within this run). "
            + $"Each: start, 5 s, {EndToEndBenchmark.BatchImages} × 24 MP from {EndToEndBenchmark.BatchClients} clients (each uploads its next photo once the last is STORED), "
            + "RSS 5, 15, 30 and 90 s after the last STORED. MB.");
        report.WriteLine();
        foreach (var (name, env) in variants)
        {
            report.WriteLine($"- **{name}**: {(env.Count == 0 ? "the app's defaults" : string.Join(", ", env.Select(e => $"`{e.Key}={e.Value}`")))}");
        }

        report.WriteLine();
        var table = new MarkdownTable("variant", "images/min", "latency median", "p95", "peak RSS", "RSS at start", "idle 5 s", "15 s", "30 s", "30 s by kind", "90 s");
        foreach (var (name, run) in results)
        {
            table.Add(name, F(run.PerMinute), F(run.Median), F(run.P95), F(run.Peak), F(run.AtStart), F(run.Idle[0]), F(run.Idle[1]), F(run.Idle[2]), run.Composition, F(run.Idle[3]));
        }

        report.WriteLine(table);
        report.WriteLine("By mapping, 30 s after the batch (Rss, and Pss where pages are shared with another process), MB:");
        report.WriteLine();
        foreach (var (name, run) in results)
        {
            report.WriteLine($"- {name}: {run.Mappings}");
            report.WriteLine($"  - largest files: {run.Files}");
        }

        report.WriteLine();
    }

    private static async Task<Run> OneRunAsync(string appDll, string dataDirectory, Dictionary<string, string> env, byte[] photo)
    {
        await using var app = await AppHost.StartAsync(appDll, dataDirectory, env);
        await Task.Delay(TimeSpan.FromSeconds(5));
        var atStart = app.ResidentMegabytes();
        await using var watcher = await StatusWatcher.ConnectAsync(app.BaseAddress, AppHost.ApiKey);
        var counter = 0;
        var next = 0;
        var peakReset = app.ResetPeak();
        var started = Stopwatch.GetTimestamp();
        var clients = Enumerable.Range(0, EndToEndBenchmark.BatchClients).Select(_ => Task.Run(async () =>
        {
            using var client = app.CreateClient(withKey: true);
            var mine = new List<double>();
            while (Interlocked.Increment(ref next) <= EndToEndBenchmark.BatchImages)
            {
                var tag = $"ImagePipeline idle bench {Interlocked.Increment(ref counter).ToString(CultureInfo.InvariantCulture)} {Guid.NewGuid():N}";
                mine.Add((await EndToEndBenchmark.OneAsync(client, watcher, UploadFiles.WithComment(photo, tag), "batch.jpg", "image/jpeg")).Total);
            }

            return mine;
        })).ToArray();
        var latencies = (await Task.WhenAll(clients)).SelectMany(l => l).ToList();
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var peak = peakReset ? app.PeakResidentMegabytes() : double.NaN;
        var idle = new double[4];
        var at = 0;
        string composition = string.Empty, mappings = string.Empty, top = string.Empty;
        int[] readings = [5, 15, 30, 90];
        for (var i = 0; i < readings.Length; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(readings[i] - at));
            at = readings[i];
            idle[i] = app.ResidentMegabytes();
            if (at == 30)
            {
                // The make-up at the target's reading, before anything later in the idle period.
                composition = app.ResidentComposition();
                var groups = SmapsBreakdown.Read(app.ProcessId, out var files);
                mappings = string.Join(", ", groups.Where(g => g.RssMb >= 0.5).Select(g =>
                    g.RssMb - g.PssMb >= 1 ? $"{g.Name} {g.RssMb:F1} (pss {g.PssMb:F1})" : $"{g.Name} {g.RssMb:F1}"));
                top = string.Join(", ", files.Select(f => $"{f.File} {f.RssMb:F1}"));
            }
        }

        if (Environment.GetEnvironmentVariable("BENCH_IDLE_HOLD") is { Length: > 0 } hold)
        {
            // Keeps the idle app running for a look from outside (dotnet-counters, /proc/<pid>/smaps).
            Console.Error.WriteLine($"  idle app: pid {app.ProcessId}, held for {hold} s (BENCH_IDLE_HOLD)");
            await Task.Delay(TimeSpan.FromSeconds(int.Parse(hold, CultureInfo.InvariantCulture)));
        }

        var stats = Stats.Of(latencies);
        return new Run(EndToEndBenchmark.BatchImages / seconds * 60, stats.Median, Stats.Quantile(latencies, 0.95), peak, atStart, idle, composition, mappings, top);
    }

    private static List<(string Name, Dictionary<string, string> Env)> ParseVariants(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec))
        {
            return [("defaults", new Dictionary<string, string>())];
        }

        var variants = new List<(string, Dictionary<string, string>)>();
        foreach (var part in spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':');
            var name = colon < 0 ? part : part[..colon];
            var env = new Dictionary<string, string>(StringComparer.Ordinal);
            if (colon >= 0)
            {
                foreach (var pair in part[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var eq = pair.IndexOf('=');
                    if (eq <= 0)
                    {
                        throw new ArgumentException($"BENCH_IDLE_VARIANTS: '{pair}' is not KEY=VALUE.");
                    }

                    env[pair[..eq]] = pair[(eq + 1)..];
                }
            }

            variants.Add((name, env));
        }

        return variants;
    }

    private static string F(double value) => double.IsNaN(value) ? "–" : value.ToString("F0", CultureInfo.InvariantCulture);

    private sealed record Run(double PerMinute, double Median, double P95, double Peak, double AtStart, double[] Idle, string Composition, string Mappings, string Files);
}
