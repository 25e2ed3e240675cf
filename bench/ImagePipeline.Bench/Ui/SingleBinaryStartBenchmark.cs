using System.Diagnostics;
using System.Globalization;
using ImagePipeline.Bench.EndToEnd;
using ImagePipeline.Bench.Measurement;

namespace ImagePipeline.Bench.Ui;

/// <summary>
/// Single-binary start, several builds side by side: process start → first 200 on <c>/health</c> on an existing data directory,
/// the builds interleaved (A, B, A, B …, the order rotating each round) so each sees the same noise, plus each binary's size.
/// <c>BENCH_SINGLE</c>: one or more binaries separated by ':' (e.g. two publishes of different commits or settings); without it
/// the README's single-file publish of this checkout.
/// </summary>
public sealed class SingleBinaryStartBenchmark(int runs, string outputRoot)
{
    public async Task RunAsync(TextWriter report)
    {
        var binaries = Environment.GetEnvironmentVariable("BENCH_SINGLE") is { Length: > 0 } configured
            ? configured.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [await PublishAsync()];
        var first = new double[binaries.Length];
        var starts = binaries.Select(_ => new List<double>()).ToArray();
        var data = binaries.Select((_, i) => Path.Combine(outputRoot, $"single-start-{i}")).ToArray();
        var rounds = Math.Max(10, runs * 2);
        for (var round = -1; round < rounds; round++)
        {
            for (var k = 0; k < binaries.Length; k++)
            {
                var i = (k + Math.Max(round, 0)) % binaries.Length;
                Console.Error.WriteLine($"  round {round + 1}/{rounds}: {binaries[i]}");
                await using var app = await AppHost.StartAsync(binaries[i], data[i]);
                if (round < 0)
                {
                    first[i] = app.StartupMilliseconds; // empty data directory: migrations, keys
                }
                else
                {
                    starts[i].Add(app.StartupMilliseconds);
                }
            }
        }

        report.WriteLine("## Single-binary start, side by side");
        report.WriteLine();
        report.WriteLine($"Process start → first 200 on `/health` (127.0.0.1, polled every 20 ms), {rounds} starts each on an existing data directory, "
            + "binaries interleaved; the first start (empty data directory: migrations, keys) apart. Milliseconds; the minimum is the least disturbed figure.");
        report.WriteLine();
        var table = new MarkdownTable("binary", "size, MiB", "first start", "median", "p95", "min", "max", "target", "met");
        for (var i = 0; i < binaries.Length; i++)
        {
            var stats = Stats.Of(starts[i]);
            string F(double v) => v.ToString("F0", CultureInfo.InvariantCulture);
            var size = new FileInfo(binaries[i]).Length / 1024.0 / 1024.0;
            table.Add($"`{binaries[i]}`", size.ToString("F1", CultureInfo.InvariantCulture), F(first[i]), F(stats.Median),
                F(Stats.Quantile(starts[i], 0.95)), F(stats.Min), F(stats.Max), "≤ 600 ms, ≤ 120 MB",
                stats.Median <= 600 && size * 1024 * 1024 <= 120_000_000 ? "yes" : "**no**");
        }

        report.WriteLine(table);
    }

    private async Task<string> PublishAsync()
    {
        var output = Path.Combine(outputRoot, "single");
        var binary = Path.Combine(output, "ImagePipeline.Web");
        var project = Path.Combine(AppHost.RepositoryRoot(), "ImagePipeline.Web");
        Console.Error.WriteLine($"  dotnet publish {project} -c Release -r linux-x64 -p:PublishSingleFile=true -o {output} ...");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "publish", project, "-c", "Release", "-r", "linux-x64", "-p:PublishSingleFile=true", "-o", output, "-nologo", "-v", "q" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet publish did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 && File.Exists(binary)
            ? binary
            : throw new InvalidOperationException($"single-file publish failed ({process.ExitCode}): {await stdout}{await stderr}");
    }
}
