using System.Text.Json;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Web.Api;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Web.Hosting;

/// <summary>
/// Serializes one of each message an upload sends (its answer and the hub's status events) right after start, in the
/// background, with the very options instances the API and the hub use: System.Text.Json builds each type's contract once
/// per options instance, by reflection, which otherwise lands on the first upload (about 0.2 s on this 2-core machine;
/// docs/benchmarks.md, "Cold start"). It begins once the host has started and its first request has been answered
/// (<see cref="FirstResponse"/>), off the start-up path to the first <c>/health</c> 200.
/// </summary>
public sealed class JsonWarmup(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> api, IOptions<JsonHubProtocolOptions> hub, FirstResponse firstResponse,
    TimeProvider time, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        firstResponse.RunAfterStart(Run, time, lifetime);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Run()
    {
        var now = time.GetUtcNow().UtcDateTime;
        var image = new ImageStatusChangedEvent(Guid.Empty, ImageStatus.Ingested, now);
        var job = new JobStatusChangedEvent(Guid.Empty, Guid.Empty, JobType.Preview, JobStatus.Pending, 0, null, now);
        var upload = new UploadResult(Guid.Empty, ImageStatus.Ingested, "warm-up.jpg", "image/jpeg", 0, 1, 1, now, Duplicate: false);
        foreach (var options in new[] { api.Value.SerializerOptions, hub.Value.PayloadSerializerOptions })
        {
            JsonSerializer.SerializeToUtf8Bytes(image, options);
            JsonSerializer.SerializeToUtf8Bytes(job, options);
            JsonSerializer.SerializeToUtf8Bytes(upload, options);
        }
    }
}
