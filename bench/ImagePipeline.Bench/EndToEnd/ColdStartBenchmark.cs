using System.Globalization;
using ImagePipeline.Bench.Measurement;

namespace ImagePipeline.Bench.EndToEnd;

/// <summary>
/// The first photos after a fresh start: <paramref name="processes"/> times, a fresh app process on an existing data directory
/// (its first start, which migrates, is not counted), then 20 × 24 MP uploaded one at a time as soon as <c>/health</c>
/// answers; per position the upload → STORED time, the image work of both jobs (from the app's metrics) and the rest.
/// Steady state = images 11–20 of the same processes.
/// </summary>
public sealed class ColdStartBenchmark(int processes, string outputRoot)
{
    public const int Images = 20;
    public const int Shown = 10;

    public async Task RunAsync(TextWriter report)
    {
        var appDll = await AppHost.LocateAsync(outputRoot);
        var photo = await File.ReadAllBytesAsync(Path.Combine(Corpus.Directory(), EndToEndBenchmark.PhotoFile));
        var dataDirectory = Path.Combine(outputRoot, "coldstart-data");
        Console.Error.WriteLine("  cold start: first start (migrations, keys; not counted)...");
        await using (await AppHost.StartAsync(appDll, dataDirectory))
        {
        }

        var totals = Enumerable.Range(0, Images).Select(_ => new List<double>()).ToArray();
        var handlers = Enumerable.Range(0, Images).Select(_ => new List<double>()).ToArray();
        var previews = Enumerable.Range(0, Images).Select(_ => new List<double>()).ToArray();
        var cpu = Enumerable.Range(0, Images).Select(_ => new List<double>()).ToArray();
        var startups = new List<double>();
        var loadBefore = MachineInfo.LoadAverage();
        for (var p = 0; p < processes; p++)
        {
            Console.Error.WriteLine($"  cold start: process {p + 1}/{processes}...");
            await using var app = await AppHost.StartAsync(appDll, dataDirectory);
            startups.Add(app.StartupMilliseconds);
            await using var watcher = await StatusWatcher.ConnectAsync(app.BaseAddress, AppHost.ApiKey);
            for (var i = 0; i < Images; i++)
            {
                var before = await AppMetrics.HandlerMillisecondsAsync(app.Client);
                var cpuBefore = app.CpuMilliseconds();
                var sample = await EndToEndBenchmark.OneAsync(app.Client, watcher, UploadFiles.WithComment(photo, $"cold {p} {i} {Guid.NewGuid():N}"), "cold.jpg", "image/jpeg");
                cpu[i].Add(app.CpuMilliseconds() - cpuBefore);
                var after = await AppMetrics.HandlerMillisecondsAsync(app.Client);
                var preview = AppMetrics.Delta(before, after, "PREVIEW");
                totals[i].Add(sample.Total);
                previews[i].Add(preview);
                handlers[i].Add(preview + AppMetrics.Delta(before, after, "THUMBNAIL"));
            }
        }

        var steady = totals.Skip(Shown).SelectMany(x => x).ToList();
        var steadyMedian = Stats.Of(steady).Median;
        report.WriteLine("## Cold start: the first 24 MP photos after a fresh start");
        report.WriteLine();
        report.WriteLine($"{processes} fresh processes of the app (`dotnet ImagePipeline.Web.dll`, defaults, existing data directory), each given {Images} × "
            + $"`{EndToEndBenchmark.PhotoFile}` one at a time as soon as `/health` answered (start → /health: {Stats.Of(startups).Format()} ms). "
            + "Per position: upload → STORED, the image work of both jobs (decode, resize, encode of preview + thumbnail, from the app's `imagepipeline.job.processing.duration`), "
            + $"the preview's alone, the rest (upload transfer and intake, queue, fsyncs, events), and the CPU time the app used meanwhile (all its threads, from /proc: JIT included). Median (min–max) over the processes, ms. Steady state: images {Shown + 1}–{Images}. "
            + $"Load average before: {loadBefore}; after: {MachineInfo.LoadAverage()}.");
        report.WriteLine();
        var table = new MarkdownTable("image", "upload → STORED", "÷ steady", "image work", "preview work", "rest", "app CPU");
        for (var i = 0; i < Shown; i++)
        {
            var rest = totals[i].Zip(handlers[i], (t, h) => t - h).ToList();
            table.Add((i + 1).ToString(CultureInfo.InvariantCulture), Stats.Of(totals[i]).Format(), $"{Stats.Of(totals[i]).Median / steadyMedian:F2}×",
                Stats.Of(handlers[i]).Format(), Stats.Of(previews[i]).Format(), Stats.Of(rest).Format(), Stats.Of(cpu[i]).Format());
        }

        var steadyRest = totals.Skip(Shown).SelectMany(x => x).Zip(handlers.Skip(Shown).SelectMany(x => x), (t, h) => t - h).ToList();
        table.Add($"steady ({Shown + 1}–{Images})", Stats.Of(steady).Format(), "1.00×", Stats.Of(handlers.Skip(Shown).SelectMany(x => x).ToList()).Format(),
            Stats.Of(previews.Skip(Shown).SelectMany(x => x).ToList()).Format(), Stats.Of(steadyRest).Format(), Stats.Of(cpu.Skip(Shown).SelectMany(x => x).ToList()).Format());
        report.WriteLine(table);
        var first = Stats.Of(totals[0]).Median;
        report.WriteLine($"Target: the first image ≤ 1.3× the steady state: {first:F0} / {steadyMedian:F0} ms = **{first / steadyMedian:F2}×** — {(first <= 1.3 * steadyMedian ? "met" : "**not met**")}.");
        report.WriteLine();
    }
}
