using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ImagePipeline.Bench.EndToEnd;

/// <summary>
/// The app's own account of its handlers' image work, read from its admin-only Prometheus <c>/metrics</c>: the running total of
/// <c>imagepipeline.job.processing.duration</c> (decode, resize and encode of an asset) per job type, in milliseconds.
/// The difference of two reads around one image is what its handlers spent; the rest of upload → STORED is overhead.
/// Also under <see cref="Receive"/>: <c>imagepipeline.upload.receive.duration</c>, the time the uploads' files took to arrive
/// (first read to last byte), so the overhead can be counted from the last byte as issue 15 defines it.
/// </summary>
public static partial class AppMetrics
{
    /// <summary>OpenTelemetry's Prometheus exporter answers a scrape within 300 ms of the last from a cached copy: reads this
    /// close together would see no change (a 24 MP photo now takes less than that).</summary>
    private static readonly TimeSpan ScrapeCache = TimeSpan.FromMilliseconds(350);

    private static long _lastRead;

    public static async Task<IReadOnlyDictionary<string, double>> HandlerMillisecondsAsync(HttpClient client)
    {
        var sinceLast = Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastRead));
        if (sinceLast < ScrapeCache)
        {
            await Task.Delay(ScrapeCache - sinceLast);
        }

        var text = await client.GetStringAsync("/metrics");
        Interlocked.Exchange(ref _lastRead, Stopwatch.GetTimestamp());
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match match in HandlerSum().Matches(text))
        {
            var type = match.Groups["type"].Value;
            totals[type] = totals.GetValueOrDefault(type) + (double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture) * 1000);
        }

        foreach (Match match in ReceiveSum().Matches(text))
        {
            totals[Receive] = totals.GetValueOrDefault(Receive) + (double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture) * 1000);
        }

        return totals;
    }

    /// <summary>The key of the uploads' receive time in <see cref="HandlerMillisecondsAsync"/>'s answer.</summary>
    public const string Receive = "receive";

    /// <summary>Handler milliseconds of <paramref name="type"/> between two reads.</summary>
    public static double Delta(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after, string type) =>
        after.GetValueOrDefault(type) - before.GetValueOrDefault(type);

    [GeneratedRegex(@"^imagepipeline_job_processing_duration_seconds_sum\{[^}]*type=""(?<type>[A-Z]+)""[^}]*\}\s+(?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex HandlerSum();

    [GeneratedRegex(@"^imagepipeline_upload_receive_duration_seconds_sum(\{[^}]*\})?\s+(?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex ReceiveSum();
}
