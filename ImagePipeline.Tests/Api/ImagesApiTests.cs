using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Tests.Api;

public sealed class ImagesApiTests : IDisposable
{
    private readonly PipelineAppFactory _app = new(new Dictionary<string, string?> { ["Pipeline:Runner:PollInterval"] = "00:00:00.200" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Lists_page_newest_first_and_filter_by_status()
    {
        var client = _app.CreateClient();
        var ids = new List<Guid>();
        foreach (var file in new[] { "cramps.gif", "1.webp", "rgba-alpha.png" })
        {
            ids.Add(await UploadAsync(client, file));
        }

        await WaitForStoredAsync(client, ids);
        var page1 = await client.GetFromJsonAsync<JsonElement>("/api/images?page=1&pageSize=2");
        var page2 = await client.GetFromJsonAsync<JsonElement>("/api/images?page=2&pageSize=2");
        Assert.Equal(3, page1.GetProperty("total").GetInt32());
        Assert.Equal([ids[2], ids[1]], page1.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("imageId").GetGuid()));
        Assert.Equal([ids[0]], page2.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("imageId").GetGuid()));

        var stored = await client.GetFromJsonAsync<JsonElement>("/api/images?status=STORED");
        Assert.Equal(3, stored.GetProperty("total").GetInt32());
        Assert.All(stored.GetProperty("items").EnumerateArray(), i => Assert.NotNull(i.GetProperty("thumbnailUrl").GetString()));
        var failed = await client.GetFromJsonAsync<JsonElement>("/api/images?status=FAILED");
        Assert.Equal(0, failed.GetProperty("total").GetInt32());
        using var bad = await client.GetAsync("/api/images?status=NOPE");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Serves_files_with_content_type_and_ETag_answers_304_and_ranges_originals()
    {
        var client = _app.CreateClient();
        var id = await UploadAsync(client, "1.webp");
        await WaitForStoredAsync(client, [id]);
        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/images/{id}");
        Assert.Equal(2, detail.GetProperty("jobs").GetArrayLength());

        foreach (var (url, type) in new[] { ($"/api/images/{id}/original", "image/webp"), (detail.GetProperty("thumbnailUrl").GetString()!, "image/jpeg"), (detail.GetProperty("previewUrl").GetString()!, "image/jpeg") })
        {
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            var etag = response.Headers.ETag;
            Assert.NotNull(etag);
            Assert.False(etag.IsWeak);

            using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
            conditional.Headers.IfNoneMatch.Add(etag);
            using var notModified = await client.SendAsync(conditional);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        }

        using var ranged = new HttpRequestMessage(HttpMethod.Get, $"/api/images/{id}/original");
        ranged.Headers.Range = new RangeHeaderValue(0, 99);
        using var partial = await client.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(100, (await partial.Content.ReadAsByteArrayAsync()).Length);

        using var thumbnail = await client.GetAsync(detail.GetProperty("thumbnailUrl").GetString());
        Assert.Contains("max-age=31536000", thumbnail.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assets_are_404_until_they_exist_and_unknown_images_are_404()
    {
        using var paused = new PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" });
        var client = paused.CreateClient();
        var id = await UploadAsync(client, "cramps.gif");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/images/{id}/thumbnail")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/images/{id}/preview")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/images/{id}/original")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/images/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task Delete_removes_the_row_the_jobs_and_every_file()
    {
        var client = _app.CreateClient();
        var id = await UploadAsync(client, "rgba-alpha.png");
        await WaitForStoredAsync(client, [id]);
        Assert.Equal(3, _app.StoredFiles().Count);

        using var response = await client.DeleteAsync($"/api/images/{id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(_app.StoredFiles());
        await using var db = _app.CreateDbContext();
        Assert.Equal(0, await db.Images.CountAsync());
        Assert.Equal(0, await db.Jobs.CountAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/images/{id}")).StatusCode);
    }

    [Fact]
    public async Task Health_and_OpenAPI_answer()
    {
        var client = _app.CreateClient();
        var health = await client.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        var openApi = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/upload", out _));
    }

    internal static async Task<Guid> UploadAsync(HttpClient client, string file)
    {
        using var response = await client.PostAsync("/api/upload", UploadApiTests.Multipart(await File.ReadAllBytesAsync(TestPaths.Image(file)), file));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imageId").GetGuid();
    }

    internal static async Task WaitForStoredAsync(HttpClient client, IReadOnlyCollection<Guid> ids)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var id in ids)
        {
            while ((await client.GetFromJsonAsync<JsonElement>($"/api/images/{id}")).GetProperty("status").GetString() != "STORED")
            {
                Assert.True(DateTime.UtcNow < deadline, $"image {id} was not STORED within 30 s");
                await Task.Delay(50);
            }
        }
    }
}
