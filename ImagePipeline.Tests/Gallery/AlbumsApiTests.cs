using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ImagePipeline.Tests.Gallery;

public sealed class AlbumsApiTests : IDisposable
{
    private readonly GalleryApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Create_rename_add_remove_cover_and_delete_leaving_the_photos()
    {
        var (_, key) = await _app.CreateUserAsync("alice");
        var client = _app.CreateClientWithKey(key);
        var ids = await _app.UploadManyAsync(client, 3);

        var created = await CreateAsync(client, "  Holidays  ");
        Assert.Equal("Holidays", created.GetProperty("name").GetString());
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal(0, created.GetProperty("count").GetInt32());

        using var added = await client.PutAsJsonAsync($"/api/albums/{id}/images", new { ids = new[] { ids[0], ids[1], ids[0] } });
        Assert.Equal(2, (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32());
        using var again = await client.PutAsJsonAsync($"/api/albums/{id}/images", new { ids = new[] { ids[1], ids[2] } });
        Assert.Equal(1, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32());

        var album = await client.GetFromJsonAsync<JsonElement>($"/api/albums/{id}");
        Assert.Equal(3, album.GetProperty("count").GetInt32());
        Assert.Equal(ids.Order(), album.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("imageId").GetGuid()).Order());
        Assert.Equal(ids[2], album.GetProperty("coverImageId").GetGuid()); // the newest photo by default
        Assert.False(album.GetProperty("coverChosen").GetBoolean());

        using var renamed = await client.PatchAsJsonAsync($"/api/albums/{id}", new { name = "Summer", coverImageId = ids[0] });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var summary = await renamed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Summer", summary.GetProperty("name").GetString());
        Assert.Equal(ids[0], summary.GetProperty("coverImageId").GetGuid());
        Assert.True(summary.GetProperty("coverChosen").GetBoolean());
        Assert.Equal($"/api/images/{ids[0]}/thumbnail", summary.GetProperty("coverUrl").GetString()!.Split('?')[0]);
        using var put = await client.PutAsJsonAsync($"/api/albums/{id}", new { name = "Summer 2026" });
        Assert.Equal("Summer 2026", (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());

        using var removeRequest = new HttpRequestMessage(HttpMethod.Delete, $"/api/albums/{id}/images") { Content = JsonContent.Create(new { ids = new[] { ids[0] } }) };
        using var removed = await client.SendAsync(removeRequest);
        Assert.Equal(1, (await removed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32());
        album = await client.GetFromJsonAsync<JsonElement>($"/api/albums/{id}");
        Assert.Equal(2, album.GetProperty("count").GetInt32());
        Assert.Equal(ids[2], album.GetProperty("coverImageId").GetGuid()); // the chosen cover left: back to the newest
        Assert.Equal(3, (await client.GetFromJsonAsync<JsonElement>("/api/images")).GetProperty("total").GetInt32());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/albums/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/albums/{id}")).StatusCode);
        Assert.Equal(3, (await client.GetFromJsonAsync<JsonElement>("/api/images")).GetProperty("total").GetInt32());
        Assert.Equal(3, _app.StoredFiles().Count(f => f.StartsWith("originals", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_photo_can_be_in_several_albums_and_leaves_all_of_them_when_trashed_or_deleted()
    {
        var client = _app.CreateClient();
        var ids = await _app.UploadManyAsync(client, 2);
        var a = (await CreateAsync(client, "A")).GetProperty("id").GetGuid();
        var b = (await CreateAsync(client, "B")).GetProperty("id").GetGuid();
        await client.PutAsJsonAsync($"/api/albums/{a}/images", new { ids });
        await client.PutAsJsonAsync($"/api/albums/{b}/images", new { ids });
        var list = await client.GetFromJsonAsync<JsonElement>("/api/albums");
        Assert.Equal([2, 2], list.EnumerateArray().Select(x => x.GetProperty("count").GetInt32()));

        await client.PostAsJsonAsync("/api/images/trash", new { ids = new[] { ids[0] } });
        Assert.All((await client.GetFromJsonAsync<JsonElement>("/api/albums")).EnumerateArray(), x => Assert.Equal(1, x.GetProperty("count").GetInt32()));
        await client.PostAsJsonAsync("/api/images/restore", new { ids = new[] { ids[0] } });
        Assert.All((await client.GetFromJsonAsync<JsonElement>("/api/albums")).EnumerateArray(), x => Assert.Equal(2, x.GetProperty("count").GetInt32()));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/images/{ids[1]}")).StatusCode);
        Assert.All((await client.GetFromJsonAsync<JsonElement>("/api/albums")).EnumerateArray(), x => Assert.Equal(1, x.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task Albums_are_owner_only_and_only_your_own_photos_can_be_added()
    {
        var (_, keyA) = await _app.CreateUserAsync("alice");
        var (_, keyB) = await _app.CreateUserAsync("bob");
        var alice = _app.CreateClientWithKey(keyA);
        var bob = _app.CreateClientWithKey(keyB);
        var aliceImage = await GalleryApp.UploadAsync(alice, 1);
        var bobImage = await GalleryApp.UploadAsync(bob, 2);
        var album = (await CreateAsync(alice, "Mine")).GetProperty("id").GetGuid();

        using var withBobs = await alice.PutAsJsonAsync($"/api/albums/{album}/images", new { ids = new[] { aliceImage, bobImage } });
        Assert.Equal(1, (await withBobs.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32());

        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/api/albums/{album}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.CreateClient().GetAsync($"/api/albums/{album}")).StatusCode); // not even an admin
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PatchAsJsonAsync($"/api/albums/{album}", new { name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PutAsJsonAsync($"/api/albums/{album}/images", new { ids = new[] { bobImage } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DeleteAsync($"/api/albums/{album}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PostAsJsonAsync($"/api/albums/{album}/links", new { })).StatusCode);
        Assert.Empty((await bob.GetFromJsonAsync<JsonElement>("/api/albums")).EnumerateArray());

        var detail = await alice.GetFromJsonAsync<JsonElement>($"/api/albums/{album}");
        Assert.Equal([aliceImage], detail.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("imageId").GetGuid()));
    }

    [Fact]
    public async Task Bad_names_and_covers_answer_400()
    {
        var client = _app.CreateClient();
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/albums", new { name = "   " })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/albums", new { name = new string('x', 201) })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/albums", new { })).StatusCode);
        var id = (await CreateAsync(client, "A")).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PatchAsJsonAsync($"/api/albums/{id}", new { coverImageId = Guid.NewGuid() })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PutAsJsonAsync($"/api/albums/{id}/images", new { ids = Array.Empty<Guid>() })).StatusCode);
    }

    internal static async Task<JsonElement> CreateAsync(HttpClient client, string name)
    {
        using var response = await client.PostAsJsonAsync("/api/albums", new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
