using System.Globalization;
using ImagePipeline.Bench.Measurement;

namespace ImagePipeline.Bench.EndToEnd;

/// <summary>
/// The first photos after a fresh start: <paramref name="processes"/> times, a fresh app process on an existing data directory
/// (its first start, which migrates, is not counted), then 20 × 24 MP uploaded one at a time as soon as <c>/health</c>
/// answers; per position the upload → STORED time, the image work of both jobs (from the app's metrics) and the rest.
/// Steady state = images 11–20 of the same processes.
/// <para>
/// A/B: <c>BENCH_APPS="before=/path/app;after=/path/app"</c> runs each published variant, interleaved process by process
/// (before, after, before, after, …), each on its own data directory, one table each: compare them relative to each other.
/// <c>BENCH_JIT=1</c> also has the runtime list every method it compiles (<c>DOTNET_JitDisasmSummary</c>, one line per
/// method and tier) and counts them per photo; load does not change those counts, but the listing itself costs time, so a
/// JIT run's timings are not the ones to quote. <c>BENCH_COLDSTART_DELAY</c> (seconds) waits after <c>/health</c> before the
/// first photo (default 0; a JIT run, to count the photos apart from the start-up warm-up, e.g. 20).
/// </para>
/// </summary>
public sealed class ColdStartBenchmark(int processes, string outputRoot)
{
    public const int Images = 20;
    public const int Shown = 10;

    public async Task RunAsync(TextWriter report)
    {
        var variants = await VariantsAsync();
        var jit = Environment.GetEnvironmentVariable("BENCH_JIT") == "1";
        var delay = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("BENCH_COLDSTART_DELAY") ?? "0", CultureInfo.InvariantCulture));
        var photo = await File.ReadAllBytesAsync(Path.Combine(Corpus.Directory(), EndToEndBenchmark.PhotoFile));
        foreach (var variant in variants)
        {
            Console.Error.WriteLine($"  cold start {variant.Name}: first start (migrations, keys; not counted)...");
            await using (await AppHost.StartAsync(variant.AppDll, variant.DataDirectory))
            {
            }
        }

        var loadBefore = MachineInfo.LoadAverage();
        for (var p = 0; p < processes; p++)
        {
            foreach (var variant in variants)
            {
                Console.Error.WriteLine($"  cold start {variant.Name}: process {p + 1}/{processes}...");
                var jitFile = Path.Combine(outputRoot, $"coldstart-jit-{variant.Name}-{p}.txt");
                File.Delete(jitFile);
                var environment = jit
                    ? new Dictionary<string, string> { ["DOTNET_JitStdOutFile"] = jitFile, ["DOTNET_JitDisasmSummary"] = "1" }
                    : null;
                await using var app = await AppHost.StartAsync(variant.AppDll, variant.DataDirectory, environment);
                variant.Startups.Add(app.StartupMilliseconds);
                await using var watcher = await StatusWatcher.ConnectAsync(app.BaseAddress, AppHost.ApiKey);
                await Task.Delay(delay);
                var compiled = jit ? JitCounts.Read(jitFile) : JitCounts.Zero;
                variant.JitBefore.Add(compiled);
                if (jit)
                {
                    await File.WriteAllTextAsync(jitFile + ".marks", $"before photo 1: {compiled.FirstTier + compiled.Tier1} lines\n");
                }
                for (var i = 0; i < Images; i++)
                {
                    var before = await AppMetrics.HandlerMillisecondsAsync(app.Client);
                    var cpuBefore = app.CpuMilliseconds();
                    var sample = await EndToEndBenchmark.OneAsync(app.Client, watcher, UploadFiles.WithComment(photo, $"cold {variant.Name} {p} {i} {Guid.NewGuid():N}"), "cold.jpg", "image/jpeg");
                    variant.Cpu[i].Add(app.CpuMilliseconds() - cpuBefore);
                    var after = await AppMetrics.HandlerMillisecondsAsync(app.Client);
                    var preview = AppMetrics.Delta(before, after, "PREVIEW");
                    variant.Totals[i].Add(sample.Total);
                    variant.Previews[i].Add(preview);
                    variant.Handlers[i].Add(preview + AppMetrics.Delta(before, after, "THUMBNAIL"));
                    if (jit)
                    {
                        var now = JitCounts.Read(jitFile);
                        variant.Jit[i].Add(now - compiled);
                        compiled = now;
                        await File.AppendAllTextAsync(jitFile + ".marks", $"after photo {i + 1}: {now.FirstTier + now.Tier1} lines\n");
                    }
                }
            }
        }

        var loadAfter = MachineInfo.LoadAverage();
        foreach (var variant in variants)
        {
            Report(report, variant, variants.Count > 1, jit, delay, loadBefore, loadAfter);
        }
    }

    private void Report(TextWriter report, Variant variant, bool several, bool jit, TimeSpan delay, string loadBefore, string loadAfter)
    {
        var steady = variant.Totals.Skip(Shown).SelectMany(x => x).ToList();
        var steadyMedian = Stats.Of(steady).Median;
        report.WriteLine($"## Cold start: the first 24 MP photos after a fresh start{(several ? $" — {variant.Name} (`{variant.AppDll}`)" : "")}");
        report.WriteLine();
        report.WriteLine($"{processes} fresh processes of the app (`{(variant.AppDll.EndsWith(".dll", StringComparison.Ordinal) ? "dotnet ImagePipeline.Web.dll" : "the single binary")}`, defaults, existing data directory), each given {Images} × "
            + $"`{EndToEndBenchmark.PhotoFile}` one at a time {(delay > TimeSpan.Zero ? $"{delay.TotalSeconds:F0} s after" : "as soon as")} `/health` answered (start → /health: {Stats.Of(variant.Startups).Format()} ms). "
            + "Per position: upload → STORED, the image work of both jobs (decode, resize, encode of preview + thumbnail, from the app's `imagepipeline.job.processing.duration`), "
            + $"the preview's alone, the rest (upload transfer and intake, queue, fsyncs, events), and the CPU time the app used meanwhile (all its threads, from /proc: JIT included). Median (min–max) over the processes, ms. Steady state: images {Shown + 1}–{Images}. "
            + (several ? "Variants interleaved process by process in one run: compare them with each other. " : "")
            + (jit ? "**JIT listing on (`DOTNET_JitDisasmSummary`): counts are exact, timings are inflated by the listing.** " : "")
            + $"Load average before: {loadBefore}; after: {loadAfter}.");
        report.WriteLine();
        var headers = new List<string> { "image", "upload → STORED", "÷ steady", "image work", "preview work", "rest", "app CPU" };
        if (jit)
        {
            headers.AddRange(["methods JIT'd (tier 0 / tier 1)"]);
        }

        var table = new MarkdownTable([.. headers]);
        for (var i = 0; i < Shown; i++)
        {
            var rest = variant.Totals[i].Zip(variant.Handlers[i], (t, h) => t - h).ToList();
            var row = new List<string>
            {
                (i + 1).ToString(CultureInfo.InvariantCulture), Stats.Of(variant.Totals[i]).Format(), $"{Stats.Of(variant.Totals[i]).Median / steadyMedian:F2}×",
                Stats.Of(variant.Handlers[i]).Format(), Stats.Of(variant.Previews[i]).Format(), Stats.Of(rest).Format(), Stats.Of(variant.Cpu[i]).Format(),
            };
            if (jit)
            {
                row.Add(JitCounts.Format(variant.Jit[i]));
            }

            table.Add([.. row]);
        }

        var steadyRest = variant.Totals.Skip(Shown).SelectMany(x => x).Zip(variant.Handlers.Skip(Shown).SelectMany(x => x), (t, h) => t - h).ToList();
        var steadyRow = new List<string>
        {
            $"steady ({Shown + 1}–{Images})", Stats.Of(steady).Format(), "1.00×", Stats.Of(variant.Handlers.Skip(Shown).SelectMany(x => x).ToList()).Format(),
            Stats.Of(variant.Previews.Skip(Shown).SelectMany(x => x).ToList()).Format(), Stats.Of(steadyRest).Format(), Stats.Of(variant.Cpu.Skip(Shown).SelectMany(x => x).ToList()).Format(),
        };
        if (jit)
        {
            steadyRow.Add(JitCounts.Format([.. variant.Jit.Skip(Shown).SelectMany(x => x)]));
        }

        table.Add([.. steadyRow]);
        report.WriteLine(table);
        if (jit)
        {
            report.WriteLine($"Methods JIT'd from process start to the first photo (start-up and warm-up): {JitCounts.Format(variant.JitBefore)}. Listings: `{outputRoot}/coldstart-jit-{variant.Name}-*.txt`.");
            report.WriteLine();
        }

        var first = Stats.Of(variant.Totals[0]).Median;
        report.WriteLine($"Target: the first image ≤ 1.3× the steady state: {first:F0} / {steadyMedian:F0} ms = **{first / steadyMedian:F2}×** — {(first <= 1.3 * steadyMedian ? "met" : "**not met**")}.");
        report.WriteLine();
    }

    private async Task<List<Variant>> VariantsAsync()
    {
        if (Environment.GetEnvironmentVariable("BENCH_APPS") is not { Length: > 0 } configured)
        {
            return [new Variant("app", await AppHost.LocateAsync(outputRoot), Path.Combine(outputRoot, "coldstart-data"))];
        }

        return [.. configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(entry =>
        {
            // A folder publish (ImagePipeline.Web.dll, run with dotnet) or the single binary (the executable alone).
            var parts = entry.Split('=', 2);
            var app = parts.Length == 2 ? AppHost.InFolder(parts[1]) : null;
            return app is not null
                ? new Variant(parts[0], app, Path.Combine(outputRoot, $"coldstart-data-{parts[0]}"))
                : throw new FileNotFoundException($"BENCH_APPS entry is not name=folder with ImagePipeline.Web.dll or the single binary: {entry}");
        })];
    }

    private sealed class Variant(string name, string appDll, string dataDirectory)
    {
        public string Name { get; } = name;
        public string AppDll { get; } = appDll;
        public string DataDirectory { get; } = dataDirectory;
        public List<double> Startups { get; } = [];
        public List<double>[] Totals { get; } = NewSeries<double>();
        public List<double>[] Handlers { get; } = NewSeries<double>();
        public List<double>[] Previews { get; } = NewSeries<double>();
        public List<double>[] Cpu { get; } = NewSeries<double>();
        public List<JitCounts>[] Jit { get; } = NewSeries<JitCounts>();
        public List<JitCounts> JitBefore { get; } = [];

        private static List<T>[] NewSeries<T>() => [.. Enumerable.Range(0, Images).Select(_ => new List<T>())];
    }

    /// <summary>Methods the JIT compiled, from a <c>DOTNET_JitDisasmSummary</c> listing: tier 1 (and OSR) apart from the first compilations.</summary>
    private readonly record struct JitCounts(int FirstTier, int Tier1)
    {
        public static JitCounts Zero => default;

        public static JitCounts operator -(JitCounts a, JitCounts b) => new(a.FirstTier - b.FirstTier, a.Tier1 - b.Tier1);

        public static JitCounts Read(string path)
        {
            if (!File.Exists(path))
            {
                return Zero;
            }

            int first = 0, tier1 = 0;
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (!line.Contains("JIT compiled", StringComparison.Ordinal))
                {
                    continue;
                }

                if (line.Contains("[Tier1", StringComparison.Ordinal) || line.Contains("OSR", StringComparison.Ordinal))
                {
                    tier1++;
                }
                else
                {
                    first++;
                }
            }

            return new JitCounts(first, tier1);
        }

        public static string Format(IReadOnlyCollection<JitCounts> counts) =>
            $"{Stats.Of([.. counts.Select(c => (double)c.FirstTier)]).Format()} / {Stats.Of([.. counts.Select(c => (double)c.Tier1)]).Format()}";
    }
}
