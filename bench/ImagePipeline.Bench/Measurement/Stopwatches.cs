using System.Diagnostics;

namespace ImagePipeline.Bench.Measurement;

/// <summary>Times one asynchronous action in milliseconds.</summary>
public static class Stopwatches
{
    public static async Task<double> TimeAsync(Func<Task> action)
    {
        var started = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
