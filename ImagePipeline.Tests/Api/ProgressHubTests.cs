using System.Collections.Concurrent;
using System.Text.Json;
using ImagePipeline.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImagePipeline.Tests.Api;

public sealed class ProgressHubTests : IDisposable
{
    private readonly PipelineAppFactory _app = new(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_subscriber_receives_each_status_of_an_upload_in_order()
    {
        var client = _app.CreateClient();
        var id = await ImagesApiTests.UploadAsync(client, "path-2560x1600.jpg"); // runner off: stays INGESTED
        var events = new ConcurrentQueue<string>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.Server.BaseAddress, "/hubs/progress"), o =>
            {
                o.HttpMessageHandlerFactory = _ => _app.Server.CreateHandler();
                o.Headers["X-Api-Key"] = PipelineAppFactory.BootstrapKey;
            })
            .Build();
        hub.On<JsonElement>("ImageStatusChanged", e =>
        {
            Assert.Equal(id, e.GetProperty("imageId").GetGuid());
            Assert.True(e.TryGetProperty("occurredAt", out _));
            events.Enqueue($"image:{e.GetProperty("status").GetString()}");
        });
        hub.On<JsonElement>("JobStatusChanged", e =>
        {
            Assert.Equal(id, e.GetProperty("imageId").GetGuid());
            events.Enqueue($"{e.GetProperty("type").GetString()}:{e.GetProperty("status").GetString()}");
        });
        await hub.StartAsync();
        await hub.InvokeAsync("SubscribeToImages", new[] { id });

        // Run the queue in this host now that the subscriber is listening.
        var runner = (Core.Jobs.JobRunner)_app.Services.GetService(typeof(Core.Jobs.JobRunner))!;
        await runner.DrainAsync(CancellationToken.None);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!events.Contains("image:STORED") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(
            ["PREVIEW:PROCESSING", "image:PROCESSING", "PREVIEW:COMPLETED", "THUMBNAIL:PROCESSING", "THUMBNAIL:COMPLETED", "image:STORED"],
            events.ToArray());
    }

    [Fact]
    public async Task An_owner_receives_a_short_failure_reason_never_the_exception_text()
    {
        var (ownerId, key) = await _app.CreateUserAsync("hub-owner");
        var received = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.Server.BaseAddress, "/hubs/progress"), o =>
            {
                o.HttpMessageHandlerFactory = _ => _app.Server.CreateHandler();
                o.Headers["X-Api-Key"] = key;
            })
            .Build();
        hub.On<JsonElement>("JobStatusChanged", e => received.TrySetResult(e));
        await hub.StartAsync();
        await hub.InvokeAsync("SubscribeToAll");

        var publisher = (Core.Events.IPipelineEventPublisher)_app.Services.GetService(typeof(Core.Events.IPipelineEventPublisher))!;
        await publisher.PublishAsync(
            new Core.Events.JobStatusChangedEvent(Guid.NewGuid(), Guid.NewGuid(), Core.Jobs.JobType.Preview, Core.Jobs.JobStatus.Failed, 3,
                "IOException: Could not find a part of the path '/var/lib/imagepipeline/data/originals/x.jpg'.", DateTime.UtcNow)
            { OwnerId = ownerId },
            CancellationToken.None);

        var change = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Web.Api.FailureReason.Generic, change.GetProperty("lastError").GetString());
    }
}
