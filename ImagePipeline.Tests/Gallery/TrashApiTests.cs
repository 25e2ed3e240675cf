using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Core.Images;
using ImagePipeline.Web.Hosting;
using ImagePipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ImagePipeline.Tests.Gallery;

public sealed class TrashApiTests : IDisposable
{
    private readonly GalleryApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Trashed_photos_leave_the_list_show_under_trashed_and_come_back_on_restore()
    {
        var client = _app.CreateClient();
        var ids = await _app.UploadManyAsync(client, 3);

        using var trashed = await client.PostAsJsonAsync("/api/images/trash", new { ids = new[] { ids[0], ids[1] } });
        Assert.Equal(HttpStatusCode.OK, trashed.StatusCode);
        Assert.Equal(2, (await trashed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32());

        Assert.Equal([ids[2]], await IdsAsync(client, "/api/images"));
        Assert.Equal(new[] { ids[1], ids[0] }.Order(), (await IdsAsync(client, "/api/images?trashed=true")).Order());
        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/images/{ids[0]}");
        Assert.NotEqual(JsonValueKind.Null, detail.GetProperty("trashedAt").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/images/{ids[0]}/thumbnail")).StatusCode); // the trash page shows it
        Assert.Equal(3, _app.StoredFiles().Count(f => f.StartsWith("originals", StringComparison.Ordinal))); // files kept

        using var restored = await client.PostAsJsonAsync("/api/images/restore", new { ids = new[] { ids[0] } });
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal(new[] { ids[2], ids[0] }.Order(), (await IdsAsync(client, "/api/images")).Order());
        Assert.Equal([ids[1]], await IdsAsync(client, "/api/images?trashed=true"));
    }

    [Fact]
    public async Task Trash_and_restore_ignore_other_users_photos_and_answer_404_when_none_is_yours()
    {
        var (_, keyA) = await _app.CreateUserAsync("alice");
        var (_, keyB) = await _app.CreateUserAsync("bob");
        var alice = _app.CreateClientWithKey(keyA);
        var bob = _app.CreateClientWithKey(keyB);
        var aliceId = await GalleryApp.UploadAsync(alice, 1);
        var bobId = await GalleryApp.UploadAsync(bob, 2);

        using var bobTrashesAlice = await bob.PostAsJsonAsync("/api/images/trash", new { ids = new[] { aliceId } });
        Assert.Equal(HttpStatusCode.NotFound, bobTrashesAlice.StatusCode);
        using var mixed = await bob.PostAsJsonAsync("/api/images/trash", new { ids = new[] { aliceId, bobId } });
        Assert.Equal(1, (await mixed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32());
        Assert.Equal([aliceId], await IdsAsync(alice, "/api/images"));
        Assert.Empty(await IdsAsync(alice, "/api/images?trashed=true"));
        Assert.Equal([bobId], await IdsAsync(bob, "/api/images?trashed=true"));

        await alice.PostAsJsonAsync("/api/images/trash", new { ids = new[] { aliceId } });
        using var bobRestoresAlice = await bob.PostAsJsonAsync("/api/images/restore", new { ids = new[] { aliceId } });
        Assert.Equal(HttpStatusCode.NotFound, bobRestoresAlice.StatusCode);
        Assert.Equal([aliceId], await IdsAsync(alice, "/api/images?trashed=true"));
    }

    [Fact]
    public async Task Bad_id_lists_answer_400()
    {
        var client = _app.CreateClient();
        using var empty = await client.PostAsJsonAsync("/api/images/trash", new { ids = Array.Empty<Guid>() });
        using var missing = await client.PostAsJsonAsync("/api/images/restore", new { });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    [Fact]
    public async Task Delete_stays_immediate_and_complete_for_a_photo_in_the_trash()
    {
        var client = _app.CreateClient();
        var ids = await _app.UploadManyAsync(client, 1);
        await client.PostAsJsonAsync("/api/images/trash", new { ids });
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/images/{ids[0]}")).StatusCode);
        Assert.Empty(_app.StoredFiles());
        Assert.Empty(await IdsAsync(client, "/api/images?trashed=true"));
    }

    [Fact]
    [Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)] // a backup of the SQLite file
    public async Task A_backup_carries_the_trash_and_a_restore_brings_it_back()
    {
        var client = _app.CreateClient();
        var ids = await _app.UploadManyAsync(client, 2);
        await client.PostAsJsonAsync("/api/images/trash", new { ids = new[] { ids[0] } });
        var archive = Path.Combine(TestPaths.NewTempDirectory(), "backup.tar");
        await BackupArchive.CreateAsync($"Data Source={Path.Combine(_app.DataDirectory, "pipeline.db")}", _app.DataDirectory, archive, CancellationToken.None);
        var restoredData = TestPaths.NewTempDirectory();
        Directory.Delete(restoredData);
        await BackupArchive.RestoreAsync(archive, restoredData, CancellationToken.None);

        using var restored = new GalleryApp(settings: new Dictionary<string, string?> { ["Pipeline:DataDirectory"] = restoredData });
        var restoredClient = restored.CreateClient();
        Assert.Equal([ids[0]], await IdsAsync(restoredClient, "/api/images?trashed=true"));
        Assert.Equal([ids[1]], await IdsAsync(restoredClient, "/api/images"));
        Assert.Equal(HttpStatusCode.OK, (await restoredClient.GetAsync($"/api/images/{ids[0]}/original")).StatusCode);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(restoredData, recursive: true);
        Directory.Delete(Path.GetDirectoryName(archive)!, recursive: true);
    }

    internal static async Task<List<Guid>> IdsAsync(HttpClient client, string url) =>
        [.. (await client.GetFromJsonAsync<JsonElement>(url)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("imageId").GetGuid())];
}

public sealed class TrashPurgeTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly GalleryApp _app;

    public TrashPurgeTests() => _app = new GalleryApp(_time, new Dictionary<string, string?> { ["Pipeline:Trash:RetentionDays"] = "30" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task The_purge_deletes_rows_and_files_after_the_retention_and_not_before()
    {
        var client = _app.CreateClient();
        var ids = await _app.UploadManyAsync(client, 3);
        Assert.Equal(9, _app.StoredFiles().Count); // original, preview, thumbnail each
        await client.PostAsJsonAsync("/api/images/trash", new { ids = new[] { ids[0] } });
        _time.Advance(TimeSpan.FromDays(10));
        await client.PostAsJsonAsync("/api/images/trash", new { ids = new[] { ids[1] } });
        var purger = _app.Services.GetRequiredService<TrashPurger>();

        _time.Advance(TimeSpan.FromDays(20) - TimeSpan.FromSeconds(1)); // ids[0] trashed 30 days minus 1 s ago
        Assert.Equal(0, await purger.PurgeAsync(CancellationToken.None));
        Assert.Equal(9, _app.StoredFiles().Count);

        _time.Advance(TimeSpan.FromSeconds(1)); // ids[0]: 30 days; ids[1]: 20 days
        Assert.Equal(1, await purger.PurgeAsync(CancellationToken.None));
        await using (var db = _app.CreateDbContext())
        {
            Assert.Equal(new[] { ids[1], ids[2] }.Order(), (await db.Images.Select(i => i.Id).ToListAsync()).Order());
            Assert.Equal(0, await db.Jobs.CountAsync(j => j.ImageId == ids[0]));
        }

        Assert.Equal(6, _app.StoredFiles().Count);
        Assert.DoesNotContain(_app.StoredFiles(), f => f.Contains(ids[0].ToString("N"), StringComparison.Ordinal) || f.Contains(ids[0].ToString(), StringComparison.Ordinal));

        _time.Advance(TimeSpan.FromDays(10));
        Assert.Equal(1, await purger.PurgeAsync(CancellationToken.None));
        Assert.Equal(3, _app.StoredFiles().Count); // the photo never trashed stays
        Assert.Equal([ids[2]], await TrashApiTests.IdsAsync(client, "/api/images"));
    }

    [Fact]
    public async Task A_restored_photo_is_not_purged()
    {
        var client = _app.CreateClient();
        var ids = await _app.UploadManyAsync(client, 1);
        await client.PostAsJsonAsync("/api/images/trash", new { ids });
        _time.Advance(TimeSpan.FromDays(5));
        await client.PostAsJsonAsync("/api/images/restore", new { ids });
        _time.Advance(TimeSpan.FromDays(60));
        Assert.Equal(0, await _app.Services.GetRequiredService<TrashPurger>().PurgeAsync(CancellationToken.None));
        Assert.Equal(3, _app.StoredFiles().Count);
    }
}

public sealed class TrashOptionsTests
{
    [Fact]
    public void A_retention_of_zero_days_is_refused_at_start()
    {
        using var app = new GalleryApp(settings: new Dictionary<string, string?> { ["Pipeline:Trash:RetentionDays"] = "0" });
        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("RetentionDays", error.ToString(), StringComparison.Ordinal);
    }
}
