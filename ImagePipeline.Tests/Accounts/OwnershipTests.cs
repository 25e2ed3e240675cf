using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Tests.Api;
using ImagePipeline.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImagePipeline.Tests.Accounts;

public sealed class OwnershipTests : IDisposable
{
    private readonly PipelineAppFactory _app = new(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task User_B_gets_404_on_user_As_image_its_files_its_jobs_and_its_delete()
    {
        var (_, keyA) = await _app.CreateUserAsync("alice");
        var (_, keyB) = await _app.CreateUserAsync("bob");
        var alice = _app.CreateClientWithKey(keyA);
        var bob = _app.CreateClientWithKey(keyB);
        var id = await ImagesApiTests.UploadAsync(alice, "cramps.gif");
        await _app.Services.GetRequiredServiceRunner().DrainAsync(CancellationToken.None);
        var jobs = (await alice.GetFromJsonAsync<JsonElement>($"/api/images/{id}")).GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(2, jobs.Count);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/api/images/{id}/thumbnail")).StatusCode);

        foreach (var url in new[] { $"/api/images/{id}", $"/api/images/{id}/original", $"/api/images/{id}/preview", $"/api/images/{id}/thumbnail" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync(url)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/api/images/{id}")).StatusCode);
        foreach (var job in jobs)
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync($"/api/admin/jobs/{job}")).StatusCode);
        }

        Assert.Equal(0, (await bob.GetFromJsonAsync<JsonElement>("/api/images")).GetProperty("total").GetInt32());
        Assert.Equal(1, (await alice.GetFromJsonAsync<JsonElement>("/api/images")).GetProperty("total").GetInt32());
        Assert.Equal(1, (await _app.CreateClient().GetFromJsonAsync<JsonElement>("/api/images")).GetProperty("total").GetInt32()); // admin sees all
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/api/images/{id}")).StatusCode); // still there
    }

    [Fact]
    public async Task Duplicate_detection_is_per_owner()
    {
        var (_, keyA) = await _app.CreateUserAsync("alice");
        var (_, keyB) = await _app.CreateUserAsync("bob");
        var bytes = await File.ReadAllBytesAsync(TestPaths.Image("1.webp"));
        using var a = await _app.CreateClientWithKey(keyA).PostAsync("/api/upload", UploadApiTests.Multipart(bytes, "a.webp"));
        using var b = await _app.CreateClientWithKey(keyB).PostAsync("/api/upload", UploadApiTests.Multipart(bytes, "b.webp"));
        Assert.Equal(HttpStatusCode.Created, a.StatusCode);
        Assert.Equal(HttpStatusCode.Created, b.StatusCode);
    }

    [Fact]
    public async Task B_subscribing_to_As_image_receives_nothing()
    {
        var (_, keyA) = await _app.CreateUserAsync("alice");
        var (_, keyB) = await _app.CreateUserAsync("bob");
        var id = await ImagesApiTests.UploadAsync(_app.CreateClientWithKey(keyA), "path-2560x1600.jpg");
        var bobEvents = new ConcurrentQueue<string>();
        var aliceEvents = new ConcurrentQueue<string>();
        await using var bob = await ConnectAsync(keyB, bobEvents);
        await using var alice = await ConnectAsync(keyA, aliceEvents);
        await bob.InvokeAsync("SubscribeToImages", new[] { id });
        await bob.InvokeAsync("SubscribeToAll");
        await alice.InvokeAsync("SubscribeToImages", new[] { id });

        await _app.Services.GetRequiredServiceRunner().DrainAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!aliceEvents.Contains("STORED") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Contains("STORED", aliceEvents);
        await Task.Delay(200);
        Assert.Empty(bobEvents);
    }

    [Fact]
    public async Task The_hub_refuses_anonymous_connections()
    {
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.Server.BaseAddress, "/hubs/progress"), o => o.HttpMessageHandlerFactory = _ => _app.Server.CreateHandler())
            .Build();
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => hub.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    private async Task<HubConnection> ConnectAsync(string key, ConcurrentQueue<string> events)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_app.Server.BaseAddress, "/hubs/progress"), o =>
            {
                o.HttpMessageHandlerFactory = _ => _app.Server.CreateHandler();
                o.Headers["X-Api-Key"] = key;
            })
            .Build();
        hub.On<JsonElement>("ImageStatusChanged", e => events.Enqueue(e.GetProperty("status").GetString()!));
        hub.On<JsonElement>("JobStatusChanged", e => events.Enqueue("job:" + e.GetProperty("status").GetString()));
        await hub.StartAsync();
        return hub;
    }
}

internal static class RunnerServiceExtensions
{
    public static Core.Jobs.JobRunner GetRequiredServiceRunner(this IServiceProvider services) =>
        (Core.Jobs.JobRunner)services.GetService(typeof(Core.Jobs.JobRunner))!;
}
