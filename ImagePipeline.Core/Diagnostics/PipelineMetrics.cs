using System.Diagnostics.Metrics;
using ImagePipeline.Core.Jobs;

namespace ImagePipeline.Core.Diagnostics;

/// <summary>
/// The <c>ImagePipeline</c> meter (read it with <c>dotnet-counters monitor -n ImagePipeline.Web --counters ImagePipeline</c>):
/// uploads, job durations by type and outcome, and the queue's depth by status.
/// </summary>
public sealed class PipelineMetrics
{
    public const string MeterName = "ImagePipeline";

    private readonly Counter<long> _uploads;
    private readonly Histogram<double> _jobDuration;
    private readonly Histogram<double> _processingDuration;
    private readonly Histogram<double> _receiveDuration;
    private readonly TimeProvider _time;

    public PipelineMetrics(IMeterFactory meters, JobQueries queries, TimeProvider time)
    {
        _time = time;
        var meter = meters.Create(MeterName);
        _uploads = meter.CreateCounter<long>("imagepipeline.uploads", "{upload}", "Uploads accepted (duplicate=true: the same bytes again).");
        _jobDuration = meter.CreateHistogram<double>("imagepipeline.job.duration", "s", "Time from claim to finish of a job run, by type and outcome.");
        _processingDuration = meter.CreateHistogram<double>("imagepipeline.job.processing.duration", "s",
            "Time a job's handler spent on the image itself (decode, resize, encode), by type; the rest of upload → STORED is overhead.");
        _receiveDuration = meter.CreateHistogram<double>("imagepipeline.upload.receive.duration", "s",
            "Time an upload's file took to arrive, from its first read to its last byte (hashed and written as it arrives); what follows the last byte is the app's own.");
        meter.CreateObservableGauge("imagepipeline.queue.depth", () => QueueDepth(queries), "{job}", "Open jobs in the queue, by status (PENDING, PROCESSING).");
    }

    public void Uploaded(bool duplicate) => _uploads.Add(1, new KeyValuePair<string, object?>("duplicate", duplicate));

    /// <summary>An upload's file arrived in <paramref name="seconds"/> (first read to last byte).</summary>
    public void UploadReceived(double seconds) => _receiveDuration.Record(seconds);

    /// <summary>One job run ended: <paramref name="result"/> is what the store answered (null: the lease was lost).</summary>
    public void JobFinished(Job job, ChangeSet? result)
    {
        var outcome = result?.Jobs.FirstOrDefault(j => j.JobId == job.Id)?.Status switch
        {
            null => "lost",
            JobStatus.Pending => "retry",
            var status => status.Value.ToString().ToLowerInvariant(),
        };
        var started = job.StartedAt ?? _time.GetUtcNow().UtcDateTime;
        var seconds = Math.Max(0, (_time.GetUtcNow().UtcDateTime - started).TotalSeconds);
        _jobDuration.Record(seconds, new KeyValuePair<string, object?>("type", job.Type.ToString().ToUpperInvariant()), new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>A handler's decode, resize and encode took <paramref name="seconds"/> (recorded whether it succeeded or not).</summary>
    public void ImageProcessed(JobType type, double seconds) =>
        _processingDuration.Record(seconds, new KeyValuePair<string, object?>("type", type.ToString().ToUpperInvariant()));

    private static IEnumerable<Measurement<int>> QueueDepth(JobQueries queries)
    {
        foreach (var (status, count) in queries.OpenCounts())
        {
            yield return new Measurement<int>(count, new KeyValuePair<string, object?>("status", status.ToString().ToUpperInvariant()));
        }
    }
}
