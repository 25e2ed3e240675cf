namespace ImagePipeline.Bench.Api;

/// <summary>The image list page over a large gallery (not written yet).</summary>
public sealed class ApiBenchmark(int runs, string outputRoot)
{
    public Task RunAsync(TextWriter report)
    {
        _ = (runs, outputRoot);
        report.WriteLine("## API\n\nNot measured yet.\n");
        return Task.CompletedTask;
    }
}
