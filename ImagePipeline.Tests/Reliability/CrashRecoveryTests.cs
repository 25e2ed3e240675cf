using System.Net;
using System.Net.Http.Json;
using ImagePipeline.Tests.Hosting;
using ImagePipeline.Tests.Support;
using SixLabors.ImageSharp;
using Xunit.Abstractions;

namespace ImagePipeline.Tests.Reliability;

/// <summary>The published app as a separate process, killed or stopped in the middle of work.</summary>
[Collection(PublishedBinaryCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class CrashRecoveryTests(PublishedBinaryFixture binary, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> ShortLease = new()
    {
        ["Pipeline__Runner__LeaseDuration"] = "00:00:03",
        ["Pipeline__Runner__Concurrency"] = "2",
    };

    [Fact]
    public async Task Kill_9_while_processing_then_restart_finishes_every_image()
    {
        var ct = CancellationToken.None;
        var folder = binary.NewInstallFolder();
        var probe = new DataDirectoryProbe(Path.Combine(folder, "data"));
        var ids = new List<Guid>();
        await using (var app = await RunningApp.StartAsync(folder, ShortLease, ct))
        {
            // Queue the work first (runner paused), so the kill surely lands while previews are being made.
            (await app.Client.PostAsync("api/admin/runner/pause", null, ct)).EnsureSuccessStatusCode();
            ids.AddRange(await UploadBigPhotosAsync(app.Client, 8, "crash", ct));
            (await app.Client.PostAsync("api/admin/runner/resume", null, ct)).EnsureSuccessStatusCode();
            await WaitForProcessingAsync(app.Client, ct);
            await app.KillAsync();
        }

        var stuck = probe.Jobs().Count(j => j.Status == "PROCESSING");
        output.WriteLine($"after kill -9: {stuck} job(s) left PROCESSING with a lease");
        Assert.True(stuck > 0, "the kill should land while jobs are processing");

        await using (var app = await RunningApp.StartAsync(folder, ShortLease, ct))
        {
            foreach (var id in ids)
            {
                Assert.Equal("STORED", await PipelineApiClient.WaitForStatusAsync(app.Client, id, TimeSpan.FromSeconds(90), ct, "STORED", "FAILED"));
                await AssertDecodableAsync(app.Client, $"api/images/{id}/preview", ct);
                await AssertDecodableAsync(app.Client, $"api/images/{id}/thumbnail", ct);
            }

            Assert.All(probe.Jobs(), j => Assert.Equal("COMPLETED", j.Status));
            Assert.Empty(probe.TempFiles());
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Sigterm_while_processing_stops_fast_and_releases_jobs()
    {
        var ct = CancellationToken.None;
        var folder = binary.NewInstallFolder();
        var probe = new DataDirectoryProbe(Path.Combine(folder, "data"));
        List<Guid> ids;
        await using (var app = await RunningApp.StartAsync(folder, new Dictionary<string, string> { ["Pipeline__Runner__Concurrency"] = "1" }, ct))
        {
            (await app.Client.PostAsync("api/admin/runner/pause", null, ct)).EnsureSuccessStatusCode();
            ids = await UploadBigPhotosAsync(app.Client, 6, "sigterm", ct);
            (await app.Client.PostAsync("api/admin/runner/resume", null, ct)).EnsureSuccessStatusCode();
            await WaitForProcessingAsync(app.Client, ct);
            var stopped = await app.TerminateAsync(TimeSpan.FromSeconds(10));
            output.WriteLine($"SIGTERM to exit: {stopped.TotalMilliseconds:F0} ms");
        }

        var jobs = probe.Jobs();
        Assert.DoesNotContain(jobs, j => j.Status == "PROCESSING");
        Assert.All(jobs.Where(j => j.Status == "PENDING"), j => Assert.Null(j.LockedBy));
        Assert.Contains(jobs, j => j.Status == "PENDING"); // work was left to carry on

        // Long lease: the next start must not need expiry to carry on.
        await using (var app = await RunningApp.StartAsync(folder, new Dictionary<string, string> { ["Pipeline__Runner__LeaseDuration"] = "00:10:00" }, ct))
        {
            foreach (var id in ids)
            {
                Assert.Equal("STORED", await PipelineApiClient.WaitForStatusAsync(app.Client, id, TimeSpan.FromSeconds(90), ct, "STORED", "FAILED"));
            }
        }

        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Kill_9_during_a_streaming_upload_leaves_nothing_behind()
    {
        var ct = CancellationToken.None;
        var folder = binary.NewInstallFolder();
        var probe = new DataDirectoryProbe(Path.Combine(folder, "data"));
        var photo = await File.ReadAllBytesAsync(TestPaths.Image("path-upscaled-6000x4000-grain.jpg"), ct);
        await using (var app = await RunningApp.StartAsync(folder, cancellationToken: ct))
        {
            var halfSent = new TaskCompletionSource();
            using var content = new MultipartFormDataContent();
            content.Add(new SlowContent(photo, halfSent), "file", "big.jpg");
            var upload = app.Client.PostAsync("api/upload", content, ct);
            await halfSent.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (probe.TempFiles().Count == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, ct);
            }

            Assert.NotEmpty(probe.TempFiles());
            await app.KillAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => upload);
        }

        await using (var app = await RunningApp.StartAsync(folder, cancellationToken: ct))
        {
            Assert.Equal(0, probe.Count("SELECT COUNT(*) FROM Images"));
            Assert.Equal(0, probe.Count("SELECT COUNT(*) FROM Jobs"));
            Assert.Empty(probe.Files("originals"));
            Assert.Empty(probe.TempFiles());
        }

        Directory.Delete(folder, recursive: true);
    }

    private static async Task<List<Guid>> UploadBigPhotosAsync(HttpClient client, int count, string tag, CancellationToken ct)
    {
        var photo = await File.ReadAllBytesAsync(TestPaths.Image("path-upscaled-6000x4000-grain.jpg"), ct);
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            ids.Add(await PipelineApiClient.UploadNewAsync(client, JpegVariants.WithComment(photo, $"{tag}-{i}-{Guid.NewGuid():N}"), $"{tag}-{i}.jpg", ct));
        }

        return ids;
    }

    private static async Task WaitForProcessingAsync(HttpClient client, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            // A preview takes hundreds of ms on a 24 MP photo (a thumbnail only tens): wait for one, so the kill lands inside it.
            var jobs = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("api/admin/jobs?status=PROCESSING&type=PREVIEW", ct);
            if (jobs.GetProperty("total").GetInt32() > 0)
            {
                return;
            }

            await Task.Delay(20, ct);
        }

        throw new TimeoutException("No job reached PROCESSING.");
    }

    private static async Task AssertDecodableAsync(HttpClient client, string path, CancellationToken ct)
    {
        using var response = await client.GetAsync(path, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var image = Image.Load(await response.Content.ReadAsByteArrayAsync(ct));
        Assert.True(image.Width > 0 && image.Height > 0);
    }
}
