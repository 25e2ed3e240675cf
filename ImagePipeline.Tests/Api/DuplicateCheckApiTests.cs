using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ImagePipeline.Tests.Gallery;
using ImagePipeline.Tests.Support;

namespace ImagePipeline.Tests.Api;

/// <summary><c>POST /api/images/exists</c>: which hashes the signed-in user already has; never another user's; bad input 400.</summary>
public sealed class DuplicateCheckApiTests : IDisposable
{
    private readonly GalleryApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Answers_the_hashes_you_have_with_their_image_ids_and_never_another_users()
    {
        var (_, keyA) = await _app.CreateUserAsync("alice");
        var (_, keyB) = await _app.CreateUserAsync("bob");
        var alice = _app.CreateClientWithKey(keyA);
        var bob = _app.CreateClientWithKey(keyB);
        var alicePhoto = await GalleryApp.UploadAsync(alice, 1);
        var bobPhoto = await GalleryApp.UploadAsync(bob, 2);
        var aliceHash = Sha256(TestImages.DistinctPng(1));
        var bobHash = Sha256(TestImages.DistinctPng(2));
        var unknown = Sha256(TestImages.DistinctPng(3));

        // Upper-case hex is the same hash; a hash asked twice is answered once.
        var existing = await ExistingAsync(alice, [aliceHash.ToUpperInvariant(), aliceHash, bobHash, unknown]);
        Assert.Equal([(aliceHash, alicePhoto)], existing);

        // Bob's bytes are his: Alice is not told he has them (and he is told only about his own).
        Assert.Equal([(bobHash, bobPhoto)], await ExistingAsync(bob, [aliceHash, bobHash]));

        // The upload's own duplicate answer agrees: what the check reports is what the upload would call a duplicate.
        using var again = await alice.PostAsync("/api/upload", UploadApiTests.Multipart(TestImages.DistinctPng(1), "again.png"));
        var body = await again.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("duplicate").GetBoolean());
        Assert.Equal(alicePhoto, body.GetProperty("imageId").GetGuid());
    }

    [Fact]
    public async Task An_admin_is_told_only_about_their_own_photos()
    {
        var (_, keyA) = await _app.CreateUserAsync("alice");
        await GalleryApp.UploadAsync(_app.CreateClientWithKey(keyA), 1);
        var (_, adminKey) = await _app.CreateUserAsync("root", Core.Accounts.Roles.Admin);

        Assert.Empty(await ExistingAsync(_app.CreateClientWithKey(adminKey), [Sha256(TestImages.DistinctPng(1))]));
    }

    [Theory]
    [InlineData("""{ "sha256": ["not-hex"] }""")]
    [InlineData("""{ "sha256": ["zz00000000000000000000000000000000000000000000000000000000000000"] }""")]
    [InlineData("""{ "sha256": ["00000000000000000000000000000000000000000000000000000000000000"] }""")]
    [InlineData("""{ "sha256": [null] }""")]
    [InlineData("""{ "sha256": [] }""")]
    [InlineData("""{ }""")]
    [InlineData("""{ "sha256": "0000" }""")]
    public async Task Bad_input_is_a_400_problem(string json)
    {
        var (_, key) = await _app.CreateUserAsync("alice");
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await _app.CreateClientWithKey(key).PostAsync("/api/images/exists", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task More_than_five_hundred_hashes_is_a_400_and_five_hundred_is_fine()
    {
        var (_, key) = await _app.CreateUserAsync("alice");
        var client = _app.CreateClientWithKey(key);
        var hashes = Enumerable.Range(0, 501).Select(i => Sha256(BitConverter.GetBytes(i))).ToArray();

        using var tooMany = await client.PostAsJsonAsync("/api/images/exists", new { sha256 = hashes });
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Empty(await ExistingAsync(client, hashes[..500]));
    }

    [Fact]
    public async Task Without_credentials_it_is_401()
    {
        using var response = await _app.CreateAnonymousClient().PostAsJsonAsync("/api/images/exists", new { sha256 = new[] { Sha256([1]) } });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<List<(string, Guid)>> ExistingAsync(HttpClient client, string[] hashes)
    {
        using var response = await client.PostAsJsonAsync("/api/images/exists", new { sha256 = hashes });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. body.GetProperty("existing").EnumerateArray().Select(e => (e.GetProperty("sha256").GetString()!, e.GetProperty("imageId").GetGuid()))];
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
