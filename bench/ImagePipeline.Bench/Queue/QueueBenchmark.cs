namespace ImagePipeline.Bench.Queue;

/// <summary>Claim latency and admin counts over a large queue (not written yet).</summary>
public sealed class QueueBenchmark(int runs, string outputRoot)
{
    public Task RunAsync(TextWriter report)
    {
        _ = (runs, outputRoot);
        report.WriteLine("## Queue\n\nNot measured yet.\n");
        return Task.CompletedTask;
    }
}
