using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using ImagePipeline.Tests.Support;

namespace ImagePipeline.Tests.Gallery;

public sealed class DownloadApiTests : IDisposable
{
    private readonly GalleryApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task One_id_answers_the_original_and_several_a_streamed_zip_of_the_originals()
    {
        var (_, key) = await _app.CreateUserAsync("alice");
        var client = _app.CreateClientWithKey(key);
        var ids = new List<Guid>();
        for (var seed = 1; seed <= 3; seed++)
        {
            ids.Add(await GalleryApp.UploadAsync(client, seed));
        }

        using var one = await client.GetAsync($"/api/images/download?ids={ids[0]}");
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal(TestImages.DistinctPng(1), await one.Content.ReadAsByteArrayAsync());
        Assert.Equal("photo-1.png", one.Content.Headers.ContentDisposition?.FileNameStar ?? one.Content.Headers.ContentDisposition?.FileName?.Trim('"'));

        using var many = await client.GetAsync($"/api/images/download?ids={string.Join(',', ids)}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, many.StatusCode);
        Assert.Equal("application/zip", many.Content.Headers.ContentType?.MediaType);
        Assert.Null(many.Content.Headers.ContentLength); // streamed as it is built
        await using var stream = new MemoryStream(await many.Content.ReadAsByteArrayAsync());
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
        Assert.Equal(["photo-1.png", "photo-2.png", "photo-3.png"], zip.Entries.Select(e => e.FullName).Order());
        foreach (var entry in zip.Entries)
        {
            var seed = int.Parse(entry.FullName["photo-".Length..^4], System.Globalization.CultureInfo.InvariantCulture);
            await using var content = await entry.OpenAsync();
            using var copy = new MemoryStream();
            await content.CopyToAsync(copy);
            Assert.Equal(TestImages.DistinctPng(seed), copy.ToArray());
            Assert.Equal(entry.Length, entry.CompressedLength); // PNG is stored, not deflated again
        }

        using var post = await client.PostAsJsonAsync("/api/images/download", new { ids });
        Assert.Equal("application/zip", post.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Someone_elses_photos_are_left_out_and_none_of_yours_is_404()
    {
        var (_, keyA) = await _app.CreateUserAsync("alice");
        var (_, keyB) = await _app.CreateUserAsync("bob");
        var alice = _app.CreateClientWithKey(keyA);
        var bob = _app.CreateClientWithKey(keyB);
        var aliceId = await GalleryApp.UploadAsync(alice, 1);
        var bobId = await GalleryApp.UploadAsync(bob, 2);

        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/images/download?ids={aliceId}")).StatusCode);
        using var mixed = await bob.GetAsync($"/api/images/download?ids={aliceId},{bobId}");
        Assert.Equal(TestImages.DistinctPng(2), await mixed.Content.ReadAsByteArrayAsync()); // only Bob's one: its original
        Assert.Equal(HttpStatusCode.BadRequest, (await bob.GetAsync("/api/images/download?ids=")).StatusCode);
    }
}
