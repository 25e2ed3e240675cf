using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Core.Sharing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ImagePipeline.Tests.Gallery;

public sealed class ShareLinksApiTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly GalleryApp _app;

    public ShareLinksApiTests() => _app = new GalleryApp(_time);

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Anyone_with_the_link_sees_exactly_the_albums_photos_and_no_owner_details()
    {
        var (owner, key) = await _app.CreateUserAsync("alice-secret-name");
        var alice = _app.CreateClientWithKey(key);
        var ids = await _app.UploadManyAsync(alice, 4);
        var (album, token, url) = await ShareAsync(alice, [ids[0], ids[1]], allowDownload: false);
        Assert.EndsWith($"/s/{token}", url, StringComparison.Ordinal);
        Assert.Equal(43, token.Length);

        var anonymous = _app.CreateAnonymousClient();
        using var response = await anonymous.GetAsync($"/api/share/{token}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("alice", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(owner, body, StringComparison.Ordinal);
        Assert.DoesNotContain("photo-", body, StringComparison.Ordinal); // no file names
        var shared = JsonDocument.Parse(body).RootElement;
        var sharedIds = shared.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(new[] { ids[0], ids[1] }.Order(), sharedIds.Order());

        foreach (var image in shared.GetProperty("images").EnumerateArray())
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(image.GetProperty("thumbnailUrl").GetString())).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(image.GetProperty("previewUrl").GetString())).StatusCode);
            Assert.Equal(JsonValueKind.Null, image.GetProperty("originalUrl").ValueKind);
        }

        // No download allowed: the original's URL is 404 even when guessed.
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/share/{token}/images/{ids[0]}/original")).StatusCode);
        // The page itself opens without signing in.
        using var page = await anonymous.GetAsync($"/s/{token}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains($"/api/share/{token}/images/{ids[0]}/thumbnail", html, StringComparison.Ordinal);
        Assert.DoesNotContain(ids[2].ToString(), html, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", html, StringComparison.OrdinalIgnoreCase);
        _ = album;
    }

    [Fact]
    public async Task A_link_never_serves_a_photo_that_is_not_in_its_album()
    {
        var client = _app.CreateClient();
        var ids = await _app.UploadManyAsync(client, 3);
        var (album, token, _) = await ShareAsync(client, [ids[0]], allowDownload: true);
        var anonymous = _app.CreateAnonymousClient();
        foreach (var kind in new[] { "thumbnail", "preview", "original" })
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/share/{token}/images/{ids[0]}/{kind}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/share/{token}/images/{ids[1]}/{kind}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/share/{token}/images/{Guid.NewGuid()}/{kind}")).StatusCode);
        }

        // Neither the owner's API nor other albums open with the token.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/images/{ids[0]}/thumbnail")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/albums/{album}")).StatusCode);

        // Removed from the album, or moved to the trash: no longer served.
        using var remove = new HttpRequestMessage(HttpMethod.Delete, $"/api/albums/{album}/images") { Content = JsonContent.Create(new { ids = new[] { ids[0] } }) };
        await client.SendAsync(remove);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/share/{token}/images/{ids[0]}/thumbnail")).StatusCode);
        await client.PutAsJsonAsync($"/api/albums/{album}/images", new { ids = new[] { ids[2] } });
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/share/{token}/images/{ids[2]}/thumbnail")).StatusCode);
        await client.PostAsJsonAsync("/api/images/trash", new { ids = new[] { ids[2] } });
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/share/{token}/images/{ids[2]}/thumbnail")).StatusCode);
        Assert.Empty((await anonymous.GetFromJsonAsync<JsonElement>($"/api/share/{token}")).GetProperty("images").EnumerateArray());
    }

    [Fact]
    public async Task Revoking_makes_the_link_and_every_file_url_under_it_404_at_once()
    {
        var client = _app.CreateClientWithKey((await _app.CreateUserAsync("owner")).ApiKey);
        var ids = await _app.UploadManyAsync(client, 2);
        var (album, token, url) = await ShareAsync(client, ids, allowDownload: true);
        var anonymous = _app.CreateAnonymousClient();
        var urls = new List<string> { $"/api/share/{token}", $"/s/{token}" };
        urls.AddRange(ids.SelectMany(id => new[] { "thumbnail", "preview", "original" }.Select(k => $"/api/share/{token}/images/{id}/{k}")));
        foreach (var u in urls)
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(u)).StatusCode);
        }

        var links = await client.GetFromJsonAsync<JsonElement>($"/api/albums/{album}/links");
        var linkId = Assert.Single(links.EnumerateArray()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/albums/{album}/links/{linkId}")).StatusCode);

        foreach (var u in urls)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(u)).StatusCode);
        }

        Assert.Empty((await client.GetFromJsonAsync<JsonElement>($"/api/albums/{album}/links")).EnumerateArray());
        _ = url;
    }

    [Fact]
    public async Task Links_expire_and_deleting_the_album_revokes_its_links()
    {
        var client = _app.CreateClientWithKey((await _app.CreateUserAsync("owner")).ApiKey);
        var ids = await _app.UploadManyAsync(client, 1);
        var album = (await AlbumsApiTests.CreateAsync(client, "Trip")).GetProperty("id").GetGuid();
        await client.PutAsJsonAsync($"/api/albums/{album}/images", new { ids });
        var expiresAt = _time.GetUtcNow().UtcDateTime.AddDays(7);
        using var created = await client.PostAsJsonAsync($"/api/albums/{album}/links", new { expiresAt, allowDownload = false });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var link = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(expiresAt, link.GetProperty("expiresAt").GetDateTime().ToUniversalTime());
        var token = link.GetProperty("url").GetString()!.Split("/s/")[1];
        var anonymous = _app.CreateAnonymousClient();
        var thumbnail = $"/api/share/{token}/images/{ids[0]}/thumbnail";

        _time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(thumbnail)).StatusCode);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(thumbnail)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/share/{token}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/s/{token}")).StatusCode);

        var (album2, token2, _) = await ShareAsync(client, ids, allowDownload: false);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/albums/{album2}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/share/{token2}")).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync($"/api/albums/{album}/links", new { expiresAt = _time.GetUtcNow().UtcDateTime.AddMinutes(-1) })).StatusCode);
    }

    [Fact]
    public async Task Tokens_are_32_random_bytes_and_only_their_hash_is_stored()
    {
        var client = _app.CreateClient();
        var ids = await _app.UploadManyAsync(client, 1);
        var tokens = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            tokens.Add((await ShareAsync(client, ids, allowDownload: false)).Token);
        }

        Assert.Equal(5, tokens.Distinct().Count());
        Assert.All(tokens, t => Assert.Equal(32, Convert.FromBase64String(t.Replace('-', '+').Replace('_', '/') + "=").Length));
        await using var db = _app.CreateDbContext();
        var stored = await db.ShareLinks.Select(l => l.TokenHash).ToListAsync();
        Assert.Equal(tokens.Select(ShareTokens.Hash).Order(), stored.Order());
        Assert.All(stored, h => Assert.Matches("^[0-9a-f]{64}$", h));
        Assert.DoesNotContain(stored, h => tokens.Contains(h));
        if (!Support.TestDatabase.IsPostgres)
        {
            // Nowhere in the SQLite file either (on PostgreSQL the rows above are all there is to read).
            var bytes = await File.ReadAllBytesAsync(Path.Combine(_app.DataDirectory, "pipeline.db"));
            var text = System.Text.Encoding.ASCII.GetString(bytes) + (File.Exists(Path.Combine(_app.DataDirectory, "pipeline.db-wal"))
                ? System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(Path.Combine(_app.DataDirectory, "pipeline.db-wal"))) : "");
            Assert.All(tokens, t => Assert.DoesNotContain(t, text, StringComparison.Ordinal));
        }

        // A token one character off opens nothing.
        var anonymous = _app.CreateAnonymousClient();
        var altered = (tokens[0][0] == 'A' ? "B" : "A") + tokens[0][1..];
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/share/{altered}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/share/short")).StatusCode);
    }

    internal static async Task<(Guid Album, string Token, string Url)> ShareAsync(HttpClient client, IReadOnlyList<Guid> ids, bool allowDownload)
    {
        var album = (await AlbumsApiTests.CreateAsync(client, "Shared")).GetProperty("id").GetGuid();
        (await client.PutAsJsonAsync($"/api/albums/{album}/images", new { ids })).EnsureSuccessStatusCode();
        using var created = await client.PostAsJsonAsync($"/api/albums/{album}/links", new { allowDownload });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var url = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
        return (album, url.Split("/s/")[1], url);
    }
}
