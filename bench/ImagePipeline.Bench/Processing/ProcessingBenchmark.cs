using System.Globalization;
using ImagePipeline.Bench.Measurement;

namespace ImagePipeline.Bench.Processing;

/// <summary>
/// Preview (≤1600 from the original) + thumbnail (≤320 from the preview) per corpus file and engine: one image at a time
/// (one thread), then two images at once (throughput on both cores), then peak memory per engine in a fresh process.
/// Engines are interleaved run by run so that each sees the same machine noise.
/// </summary>
public sealed class ProcessingBenchmark(int runs, string outputRoot)
{
    public const string DerivedOrient1 = "path-upscaled-6000x4000-orient1 (derived)";

    public async Task RunAsync(TextWriter report)
    {
        var engines = EngineSet.Create(out var note);
        var inputs = PrepareInputs();
        report.WriteLine("## Processing: preview ≤1600 from the original + thumbnail ≤320 from the preview");
        report.WriteLine();
        report.WriteLine($"Engines: {string.Join(", ", engines.Select(e => e.Name))} ({NetVipsEngine.Version} in NetVips; "
            + "vipsthumbnail is Debian's). Median (min–max) of " + runs + " runs after one warm-up, engines interleaved. "
            + $"`{DerivedOrient1}` is the orientation-6 file with only its EXIF tag set to 1 (same pixels), for a fair orientation comparison.");
        if (note is not null)
        {
            report.WriteLine();
            report.WriteLine(note);
        }

        report.WriteLine();
        var single = await MeasureAsync(engines, inputs, parallel: 1);
        WriteTable(report, "One image at a time, one thread per engine: wall time of preview + thumbnail, ms", engines, single, "F0");
        WriteTargets(report, single);

        var pair = await MeasureAsync(engines, inputs, parallel: 2);
        var throughput = pair.ToDictionary(kv => kv.Key, kv => kv.Value.ToDictionary(e => e.Key, e => e.Value.Select(ms => 2 * 1000.0 / ms).ToList()));
        WriteTable(report, "Two images at once (both cores), throughput in images/s (higher is better)", engines, throughput, "F2");

        await new ResamplerBenchmark(runs).RunAsync(report);
        await new MemoryProbe(engines.Select(e => e.Name).ToList()).RunAsync(report);
    }

    private List<(string Label, string Path)> PrepareInputs()
    {
        var dir = Corpus.Directory();
        var inputs = Corpus.ProcessingFiles.Select(f => (f, Path.Combine(dir, f))).ToList();
        var orient6 = Path.Combine(dir, "path-upscaled-6000x4000-orient6.jpg");
        var orient1 = Path.Combine(outputRoot, "orient1-derived.jpg");
        ExifOrientationPatcher.Copy(orient6, orient1, 1);
        inputs.Insert(2, (DerivedOrient1, orient1));
        return inputs;
    }

    private async Task<Dictionary<string, Dictionary<string, List<double>>>> MeasureAsync(
        IReadOnlyList<IEngine> engines, List<(string Label, string Path)> inputs, int parallel)
    {
        var results = inputs.ToDictionary(i => i.Label, _ => engines.ToDictionary(e => e.Name, _ => new List<double>()));
        for (var run = -1; run < runs; run++)
        {
            // Every file and engine once per run, so slow spells of the shared machine spread over all cells alike;
            // the engine order rotates so no engine always runs right after another's garbage.
            foreach (var (label, path) in inputs)
            {
                for (var k = 0; k < engines.Count; k++)
                {
                    var engine = engines[(k + Math.Max(run, 0)) % engines.Count];
                    var dir = Directory.CreateDirectory(Path.Combine(outputRoot, Safe(engine.Name))).FullName;
                    var tag = Safe(Path.GetFileNameWithoutExtension(label));
                    var ms = await Stopwatches.TimeAsync(() => Task.WhenAll(Enumerable.Range(0, parallel)
                        .Select(i => Task.Run(() => engine.RunAsync(path, dir, parallel == 1 ? tag : $"{tag}-{i}")))));
                    if (run >= 0)
                    {
                        results[label][engine.Name].Add(ms);
                    }
                }
            }

            Console.Error.WriteLine($"  run {run + 1}/{runs} done (x{parallel})");
        }

        return results;
    }

    private static void WriteTable(TextWriter report, string title, IReadOnlyList<IEngine> engines,
        Dictionary<string, Dictionary<string, List<double>>> results, string format)
    {
        report.WriteLine($"### {title}");
        report.WriteLine();
        var table = new MarkdownTable(["file", .. engines.Select(e => e.Name)]);
        var decimals = int.Parse(format[1..], CultureInfo.InvariantCulture);
        foreach (var (file, perEngine) in results)
        {
            table.Add([file, .. engines.Select(e => Stats.Of(perEngine[e.Name]).Format(decimals))]);
        }

        report.WriteLine(table);
    }

    private static void WriteTargets(TextWriter report, Dictionary<string, Dictionary<string, List<double>>> single)
    {
        double Median(string file, string engine) =>
            single[file].TryGetValue(engine, out var s) ? Stats.Of(s).Median : double.NaN;

        const string big = "path-upscaled-6000x4000-grain.jpg";
        const string o6 = "path-upscaled-6000x4000-orient6.jpg";
        var table = new MarkdownTable("target", "ImageSharp before", "ImageSharp (Core)", "met (Core)");
        void Row(string name, Func<string, double> ratio, double limit)
        {
            var before = ratio(EngineSet.Original);
            var after = ratio(EngineSet.Current);
            table.Add(name, F(before), F(after), double.IsNaN(after) ? "n/a" : after <= limit ? "yes" : "**no**");
        }

        Row("24 MP one thread ≤ 0.6× vipsthumbnail", e => Median(big, e) / Median(big, "vipsthumbnail"), 0.6);
        Row("24 MP one thread ≤ 1.3× NetVips", e => Median(big, e) / Median(big, "NetVips"), 1.3);
        Row("orientation 6 ≤ 1.15× orientation 1 (same pixels)", e => Median(o6, e) / Median(DerivedOrient1, e), 1.15);
        Row("orientation 6 vs the grainy 24 MP orientation-1 file (different pixels, for reference)", e => Median(o6, e) / Median(big, e), 1.15);
        report.WriteLine("### Targets (ratios of medians, one thread)");
        report.WriteLine();
        report.WriteLine(table);
        report.WriteLine($"For reference on the 24 MP file: NetVips {F(Median(big, "NetVips") / Median(big, "vipsthumbnail"))} vipsthumbnail.");
        report.WriteLine();

        static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("F2", CultureInfo.InvariantCulture) + "×";
    }

    private static string Safe(string name) => new(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray());
}
