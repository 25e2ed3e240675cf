using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Tests.Api;

/// <summary>POST /api/images/{id}/retry: the owner retries their failed image a bounded number of times; an admin always may.</summary>
public sealed class OwnerRetryApiTests : IDisposable
{
    private readonly PipelineAppFactory _app = new(new Dictionary<string, string?>
    {
        ["Pipeline:Runner:Enabled"] = "false",
        ["Pipeline:Runner:OwnerRetries"] = "2",
    });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task The_owner_may_retry_a_failed_image_up_to_the_limit_others_get_404_an_admin_has_no_limit()
    {
        var (_, aliceKey) = await _app.CreateUserAsync("alice");
        var (_, bobKey) = await _app.CreateUserAsync("bob");
        var alice = _app.CreateClientWithKey(aliceKey);
        var bob = _app.CreateClientWithKey(bobKey);
        var admin = _app.CreateClient();
        var id = await ImagesApiTests.UploadAsync(alice, "cramps.gif");

        Assert.Equal(HttpStatusCode.Conflict, (await alice.PostAsync($"/api/images/{id}/retry", null)).StatusCode); // nothing failed yet
        for (var retry = 1; retry <= 2; retry++)
        {
            await FailPreviewAsync(id);
            Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsync($"/api/images/{id}/retry", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await alice.PostAsync($"/api/images/{id}/retry", null)).StatusCode);
            await using var db = _app.CreateDbContext();
            var preview = await db.Jobs.SingleAsync(j => j.ImageId == id && j.Type == JobType.Preview);
            Assert.Equal((JobStatus.Pending, 0), (preview.Status, preview.Attempts));
        }

        await FailPreviewAsync(id);
        using var refused = await alice.PostAsync($"/api/images/{id}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("Retry limit reached", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal("FAILED", (await alice.GetFromJsonAsync<JsonElement>($"/api/images/{id}")).GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/images/{id}/retry", null)).StatusCode);
        Assert.Equal("PROCESSING", (await alice.GetFromJsonAsync<JsonElement>($"/api/images/{id}")).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await alice.PostAsync($"/api/images/{Guid.NewGuid()}/retry", null)).StatusCode);
    }

    /// <summary>The preview used its attempts and failed, and so did the image.</summary>
    private async Task FailPreviewAsync(Guid imageId)
    {
        await using var db = _app.CreateDbContext();
        await db.Jobs.Where(j => j.ImageId == imageId && j.Type == JobType.Preview).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, JobStatus.Failed).SetProperty(j => j.Attempts, 3).SetProperty(j => j.LastError, "IOException: disk on fire"));
        await db.Images.Where(i => i.Id == imageId).ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, Core.Images.ImageStatus.Failed));
    }
}
