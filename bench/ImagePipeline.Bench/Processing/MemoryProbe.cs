using System.Diagnostics;
using System.Globalization;
using ImagePipeline.Bench.Measurement;

namespace ImagePipeline.Bench.Processing;

/// <summary>
/// Peak memory per engine, each in a fresh child process (peak RSS only ever grows, so engines must not share one):
/// the child runs the corpus twice, one image at a time, and then two 24 MP images at once, and reports its peak RSS (VmHWM),
/// the GC's peak heap, and its RSS after 2 s idle. vipsthumbnail runs in its own processes: its column is their largest peak RSS.
/// </summary>
public sealed class MemoryProbe(IReadOnlyList<string> engineNames)
{
    public const string Command = "mem-probe";
    private const string Idle = "(runtime only)";

    public async Task RunAsync(TextWriter report)
    {
        report.WriteLine("### Peak memory per engine (fresh process each; corpus twice one at a time, then two 24 MP images at once)");
        report.WriteLine();
        var table = new MarkdownTable("engine", "peak RSS, MB", "peak managed heap, MB", "RSS after 2 s idle, MB", "vipsthumbnail child peak RSS, MB");
        foreach (var name in engineNames.Prepend(Idle))
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
            if (IsDotnetHost(Environment.ProcessPath!))
            {
                // Started as `dotnet ImagePipeline.Bench.dll`: the child needs the bench's assembly before its arguments.
                start.ArgumentList.Add(typeof(MemoryProbe).Assembly.Location);
            }

            start.ArgumentList.Add(Command);
            start.ArgumentList.Add(name);
            using var child = Process.Start(start)!;
            var line = (await child.StandardOutput.ReadToEndAsync()).Trim();
            await child.WaitForExitAsync();
            table.Add([name, .. line.Split(';')]);
        }

        report.WriteLine(table);
    }

    private static bool IsDotnetHost(string processPath) =>
        string.Equals(Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.OrdinalIgnoreCase);

    /// <summary>The child side: prints "peakRss;peakHeap;idleRss;childPeak".</summary>
    public static async Task<int> RunChildAsync(string engineName)
    {
        var outputRoot = Directory.CreateTempSubdirectory("bench-mem-").FullName;
        try
        {
            var engine = engineName == Idle ? null : EngineSet.Create(out _).Single(e => e.Name == engineName);
            long peakHeap = 0;
            if (engine is not null)
            {
                var dir = Corpus.Directory();
                for (var round = 0; round < 2; round++)
                {
                    foreach (var file in Corpus.ProcessingFiles)
                    {
                        await engine.RunAsync(Path.Combine(dir, file), outputRoot, Path.GetFileNameWithoutExtension(file));
                        peakHeap = Math.Max(peakHeap, GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes);
                    }
                }

                var big = Path.Combine(dir, Corpus.ProcessingFiles[0]);
                await Task.WhenAll(Task.Run(() => engine.RunAsync(big, outputRoot, "a")), Task.Run(() => engine.RunAsync(big, outputRoot, "b")));
                peakHeap = Math.Max(peakHeap, GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes);
            }

            var peakRss = ProcessMemory.PeakResidentMegabytes();
            GC.Collect();
            await Task.Delay(2000);
            var idle = ProcessMemory.ResidentMegabytes();
            var children = engine is VipsThumbnailEngine ? ProcessMemory.ChildrenPeakResidentMegabytes().ToString("F0", CultureInfo.InvariantCulture) : "–";
            Console.WriteLine(string.Join(';',
                peakRss.ToString("F0", CultureInfo.InvariantCulture),
                (peakHeap / 1024.0 / 1024.0).ToString("F0", CultureInfo.InvariantCulture),
                idle.ToString("F0", CultureInfo.InvariantCulture),
                children));
            return 0;
        }
        finally
        {
            Directory.Delete(outputRoot, recursive: true);
        }
    }
}
