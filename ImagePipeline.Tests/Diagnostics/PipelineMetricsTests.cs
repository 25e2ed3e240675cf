using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ImagePipeline.Core.Diagnostics;
using ImagePipeline.Tests.Api;
using ImagePipeline.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Tests.Diagnostics;

/// <summary>The ImagePipeline meter records uploads, job durations by type and outcome, and the queue's depth.</summary>
public sealed class PipelineMetricsTests : IDisposable
{
    private readonly PipelineAppFactory _app = new();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentBag<(string Name, double Value, Dictionary<string, object?> Tags)> _measurements = [];

    public void Dispose()
    {
        _listener.Dispose();
        _app.Dispose();
    }

    [Fact]
    public async Task Records_uploads_job_durations_and_queue_depth()
    {
        var client = _app.CreateClient();
        var scope = _app.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Only this app's meter: other tests run their own apps in parallel.
            if (instrument.Meter.Name == PipelineMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();

        var id = await ImagesApiTests.UploadAsync(client, "exif-landscape_1.jpg");
        Assert.Equal(id, await ImagesApiTests.UploadAsync(client, "exif-landscape_1.jpg"));
        await ImagesApiTests.WaitForStoredAsync(client, [id]);

        // The runner records a job's duration just after the commit that made the image STORED.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_measurements.Count(m => m.Name == "imagepipeline.job.duration") < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "no duration recorded for both jobs");
            await Task.Delay(50);
        }

        Assert.Single(_measurements, m => m.Name == "imagepipeline.uploads" && Equals(m.Tags["duplicate"], false));
        Assert.Single(_measurements, m => m.Name == "imagepipeline.uploads" && Equals(m.Tags["duplicate"], true));
        var durations = _measurements.Where(m => m.Name == "imagepipeline.job.duration").ToList();
        Assert.Contains(durations, m => Equals(m.Tags["type"], "PREVIEW") && Equals(m.Tags["outcome"], "completed") && m.Value >= 0);
        Assert.Contains(durations, m => Equals(m.Tags["type"], "THUMBNAIL") && Equals(m.Tags["outcome"], "completed"));

        // The image work itself (decode, resize, encode) is recorded apart, and fits inside the job's run.
        var handlers = _measurements.Where(m => m.Name == "imagepipeline.job.processing.duration").ToList();
        Assert.Equal(["PREVIEW", "THUMBNAIL"], handlers.Select(m => (string)m.Tags["type"]!).Order());
        foreach (var handler in handlers)
        {
            Assert.InRange(handler.Value, 0, durations.Single(d => Equals(d.Tags["type"], handler.Tags["type"])).Value);
        }

        // Each upload's file arrival (both were read in full: the second turned out a duplicate after it arrived).
        Assert.Equal(2, _measurements.Count(m => m.Name == "imagepipeline.upload.receive.duration" && m.Value >= 0));

        _listener.RecordObservableInstruments();
        var depth = _measurements.Where(m => m.Name == "imagepipeline.queue.depth").ToList();
        Assert.Equal(["PENDING", "PROCESSING"], depth.Select(m => (string)m.Tags["status"]!).Order());
        Assert.All(depth, m => Assert.Equal(0, m.Value));
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct =>
        _measurements.Add((instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
}
