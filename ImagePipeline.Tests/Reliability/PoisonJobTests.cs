using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Tests.Hosting;
using ImagePipeline.Tests.Support;
using Xunit.Abstractions;

namespace ImagePipeline.Tests.Reliability;

/// <summary>A job that takes the process down every time it runs ends FAILED instead of being run forever.</summary>
[Collection(PublishedBinaryCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class PoisonJobTests(PublishedBinaryFixture binary, ITestOutputHelper output)
{
    private const string Marker = "poison-marker";

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Pipeline__Runner__LeaseDuration"] = "00:00:02",
        ["Pipeline__Runner__Concurrency"] = "1",
        // Test-only: this image's preview hangs, like a handler that brings the process down; we kill it while it does.
        ["Pipeline__Testing__CrashOnImage"] = Marker,
    };

    [Fact]
    public async Task Killed_three_times_while_the_same_job_runs_the_job_ends_FAILED_with_its_reason_and_the_fourth_start_stays_up()
    {
        var ct = CancellationToken.None;
        var folder = binary.NewInstallFolder();
        var photo = await File.ReadAllBytesAsync(TestPaths.Image("cramps.gif"), ct);
        var id = Guid.Empty;
        for (var kill = 1; kill <= 3; kill++)
        {
            await using var app = await RunningApp.StartAsync(folder, Settings, ct);
            if (kill == 1)
            {
                id = await PipelineApiClient.UploadNewAsync(app.Client, photo, $"{Marker}.gif", ct);
            }

            var running = await WaitForPreviewAsync(app.Client, id, j => j.GetProperty("status").GetString() == "PROCESSING" && j.GetProperty("attempts").GetInt32() == kill, ct);
            output.WriteLine($"kill {kill}: preview job {running.GetProperty("id")} PROCESSING, attempt {kill}");
            await app.KillAsync();
        }

        await using (var app = await RunningApp.StartAsync(folder, Settings, ct))
        {
            Assert.Equal("FAILED", await PipelineApiClient.WaitForStatusAsync(app.Client, id, TimeSpan.FromSeconds(60), ct, "FAILED", "STORED"));
            var job = await WaitForPreviewAsync(app.Client, id, j => j.GetProperty("status").GetString() == "FAILED", ct);
            Assert.Equal(3, job.GetProperty("attempts").GetInt32());
            Assert.Equal("The process stopped 3 times while running this job.", job.GetProperty("lastError").GetString());

            // Not run a fourth time: the app is up and answering.
            using var health = await app.Client.GetAsync("health", ct);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.False(app.HasExited);
            var detail = await app.Client.GetFromJsonAsync<JsonElement>($"api/admin/jobs/{job.GetProperty("id").GetGuid()}", ct);
            Assert.Equal(3, detail.GetProperty("timeline").GetArrayLength());
            Assert.All(detail.GetProperty("timeline").EnumerateArray(), a => Assert.Equal("LOST", a.GetProperty("outcome").GetString()));
        }

        Directory.Delete(folder, recursive: true);
    }

    private static async Task<JsonElement> WaitForPreviewAsync(HttpClient client, Guid imageId, Func<JsonElement, bool> done, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"api/admin/jobs?type=PREVIEW&imageId={imageId}", ct);
            if (page.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } job)
            {
                last = job;
                if (done(job))
                {
                    return job;
                }
            }

            await Task.Delay(50, ct);
        }

        throw new TimeoutException($"The preview job of {imageId} did not reach the expected state: {last}");
    }
}
