using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Processing;
using ImagePipeline.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImagePipeline.Tests.Api;

public sealed class AdminJobsApiTests : IDisposable
{
    private readonly SwitchableFault _fault = new();
    private readonly FaultyApp _app;

    public AdminJobsApiTests() => _app = new FaultyApp(_fault);

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_job_that_used_its_attempts_is_FAILED_with_its_error_and_a_retry_stores_the_image_once_the_fault_is_gone()
    {
        var client = _app.CreateClient();
        _fault.Broken = true;
        var id = await ImagesApiTests.UploadAsync(client, "1.webp");

        var failed = await WaitForAsync(client, $"/api/admin/jobs?status=FAILED&imageId={id}", body => body.GetProperty("total").GetInt32() == 1);
        var job = failed.GetProperty("items")[0];
        Assert.Equal("PREVIEW", job.GetProperty("type").GetString());
        Assert.Equal(3, job.GetProperty("attempts").GetInt32());
        Assert.Contains("disk on fire", job.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, failed.GetProperty("counts").GetProperty("FAILED").GetInt32());
        Assert.Equal("FAILED", (await client.GetFromJsonAsync<JsonElement>($"/api/images/{id}")).GetProperty("status").GetString());

        var jobId = job.GetProperty("id").GetGuid();
        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/admin/jobs/{jobId}");
        Assert.Contains("SwitchableFault", detail.GetProperty("lastErrorDetail").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, detail.GetProperty("timeline").GetArrayLength());
        Assert.All(detail.GetProperty("timeline").EnumerateArray(), a => Assert.False(string.IsNullOrEmpty(a.GetProperty("runnerId").GetString())));

        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/admin/jobs/{jobId}/cancel", null)).StatusCode);
        _fault.Broken = false;
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/api/admin/jobs/{jobId}/retry", null)).StatusCode);
        await ImagesApiTests.WaitForStoredAsync(client, [id]);
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/admin/jobs/{jobId}");
        Assert.Equal("COMPLETED", after.GetProperty("job").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync($"/api/admin/jobs/{jobId}/retry", null)).StatusCode);
    }

    [Fact]
    public async Task Pause_keeps_uploads_INGESTED_cancel_stops_a_pending_job_resume_carries_on()
    {
        var client = _app.CreateClient();
        await client.PostAsync("/api/admin/runner/pause", null);
        Assert.True((await client.GetFromJsonAsync<JsonElement>("/api/admin/runner")).GetProperty("paused").GetBoolean());
        var id = await ImagesApiTests.UploadAsync(client, "cramps.gif");
        await Task.Delay(1500);
        var image = await client.GetFromJsonAsync<JsonElement>($"/api/images/{id}");
        Assert.Equal("INGESTED", image.GetProperty("status").GetString());

        var thumbnail = image.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("type").GetString() == "THUMBNAIL").GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/admin/jobs/{thumbnail}/cancel", null)).StatusCode);
        await client.PostAsync("/api/admin/runner/resume", null);

        await ImagesApiTests.WaitForStoredAsync(client, [id]); // the live job (preview) completes; the cancelled one does not block STORED
        var jobs = await client.GetFromJsonAsync<JsonElement>($"/api/admin/jobs?imageId={id}");
        Assert.Equal(["CANCELLED", "COMPLETED"], jobs.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("status").GetString()).Order());
        var retried = await client.PostAsync("/api/admin/jobs/retry-failed", null);
        Assert.Equal(0, (await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("retried").GetInt32());
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient client, string url, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var body = await client.GetFromJsonAsync<JsonElement>(url);
            if (done(body))
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{url} did not reach the expected state in 30 s: {body}");
            await Task.Delay(50);
        }
    }

    /// <summary>A fault that can be switched off, like a full disk that gets cleaned up.</summary>
    private sealed class SwitchableFault
    {
        public volatile bool Broken;

        public void ThrowIfBroken()
        {
            if (Broken)
            {
                throw new IOException("disk on fire");
            }
        }
    }

    private sealed class FaultyPreviewHandler(PreviewJobHandler inner, SwitchableFault fault) : IJobHandler
    {
        public JobType Type => JobType.Preview;

        public Task<string> ExecuteAsync(JobClaim claim, CancellationToken cancellationToken)
        {
            fault.ThrowIfBroken();
            return inner.ExecuteAsync(claim, cancellationToken);
        }
    }

    private sealed class FaultyApp(SwitchableFault fault) : PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Runner:PollInterval"] = "00:00:00.200" })
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<IJobHandler>();
                services.AddSingleton<PreviewJobHandler>();
                services.AddSingleton<IJobHandler>(sp => new FaultyPreviewHandler(sp.GetRequiredService<PreviewJobHandler>(), fault));
                services.AddSingleton<IJobHandler, ThumbnailJobHandler>();
            });
        }
    }
}
