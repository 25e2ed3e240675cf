using System.Globalization;
using ImagePipeline.Bench;
using ImagePipeline.Bench.Measurement;
using ImagePipeline.Bench.Processing;

// dotnet run -c Release --project bench/ImagePipeline.Bench -- all|processing|queue|sync|queue-postgres|api|e2e|idle|coldstart|ui|scale|single [--runs N] [--keep DIR] [--scale-images N]
//   idle: only e2e's batch and the idle memory after it, BENCH_IDLE_VARIANTS=name:KEY=VALUE,…;name2:… side by side (ABBA; --runs 10 = 2 rounds)
//   single: single-binary start, BENCH_SINGLE=a:b:… binaries side by side (default: publish this checkout)
//   queue-postgres: the claim on PostgreSQL (IMAGEPIPELINE_BENCH_POSTGRES = an Npgsql connection string without a database)
//   scale: Web and Worker processes on PostgreSQL + Redis (IMAGEPIPELINE_BENCH_POSTGRES, IMAGEPIPELINE_BENCH_REDIS = host:port;
//          or the IMAGEPIPELINE_TEST_* ones that `source .ci/services.sh && start_test_services` sets); --scale-images: batch size (200)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args is [MemoryProbe.Command, var engine])
{
    return await MemoryProbe.RunChildAsync(engine);
}

var what = args.FirstOrDefault() ?? "all";
var runs = Option("--runs") is { } r ? int.Parse(r, CultureInfo.InvariantCulture) : 5;
var scaleImages = Option("--scale-images") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 200;
if (runs < 5 || scaleImages < 1 || what is not ("all" or "processing" or "queue" or "sync" or "queue-postgres" or "api" or "e2e" or "idle" or "coldstart" or "ui" or "scale" or "single"))
{
    Console.Error.WriteLine("usage: ImagePipeline.Bench all|processing|queue|sync|queue-postgres|api|e2e|idle|coldstart|ui|scale|single [--runs N (≥5)] [--keep DIR] [--scale-images N (scale: batch size, 200)]");
    return 2;
}

var keep = Option("--keep");
var outputRoot = keep is not null ? Directory.CreateDirectory(keep).FullName : Directory.CreateTempSubdirectory("bench-").FullName;
var report = Console.Out;
report.WriteLine("# ImagePipeline benchmarks");
report.WriteLine();
report.WriteLine(MachineInfo.Describe());
report.WriteLine();
try
{
    if (what is "all" or "processing")
    {
        await new ProcessingBenchmark(runs, outputRoot).RunAsync(report);
    }

    if (what is "all" or "queue")
    {
        await new ImagePipeline.Bench.Queue.QueueBenchmark(runs, outputRoot).RunAsync(report);
    }

    if (what is "all" or "sync")
    {
        await new ImagePipeline.Bench.Queue.SyncBenchmark(runs, outputRoot).RunAsync(report);
    }

    if (what is "queue-postgres")
    {
        await new ImagePipeline.Bench.Queue.PostgresQueueBenchmark(runs, outputRoot).RunAsync(report);
    }

    if (what is "all" or "api")
    {
        await new ImagePipeline.Bench.Api.ApiBenchmark(runs, outputRoot).RunAsync(report);
    }

    if (what is "all" or "e2e")
    {
        await new ImagePipeline.Bench.EndToEnd.EndToEndBenchmark(runs, outputRoot).RunAsync(report);
    }

    if (what is "idle")
    {
        await new ImagePipeline.Bench.EndToEnd.IdleMemoryBenchmark(runs, outputRoot).RunAsync(report);
    }

    if (what is "all" or "coldstart")
    {
        await new ImagePipeline.Bench.EndToEnd.ColdStartBenchmark(Math.Max(3, runs / 2), outputRoot).RunAsync(report);
    }

    if (what is "all" or "ui")
    {
        await new ImagePipeline.Bench.Ui.UiBenchmark(runs, outputRoot).RunAsync(report);
    }

    if (what is "scale")
    {
        await new ImagePipeline.Bench.Scale.ScaleBenchmark(runs, outputRoot, scaleImages).RunAsync(report);
    }

    if (what is "single")
    {
        await new ImagePipeline.Bench.Ui.SingleBinaryStartBenchmark(runs, outputRoot).RunAsync(report);
    }
}
finally
{
    if (keep is null)
    {
        Directory.Delete(outputRoot, recursive: true);
    }
    else
    {
        Console.Error.WriteLine($"outputs kept in {outputRoot}");
    }
}

return 0;

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
