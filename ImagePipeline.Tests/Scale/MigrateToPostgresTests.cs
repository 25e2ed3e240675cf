using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Tests.Api;
using ImagePipeline.Tests.Gallery;
using ImagePipeline.Tests.Support;
using ImagePipeline.Web.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Tests.Scale;

/// <summary>
/// <c>migrate-to-postgres</c>: a SQLite installation made through the app (uploads processed, a user with a password and an
/// API key, an album shared by link, a sign-in cookie) is moved to a fresh PostgreSQL database and served from there on the
/// same data directory. Needs IMAGEPIPELINE_TEST_POSTGRES (./test.sh starts a server).
/// </summary>
[Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)] // the move from a SQLite installation
public sealed partial class MigrateToPostgresTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly string _data = TestPaths.NewTempDirectory();
    private readonly string _connection = ScaleServices.NewDatabaseConnectionString("move");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Npgsql.NpgsqlConnection.ClearAllPools();
        await ScaleServices.DropDatabaseAsync(_connection);
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_SQLite_installation_moved_to_PostgreSQL_serves_the_same_images_sign_ins_keys_links_and_cookies()
    {
        // Before: the SQLite app, as a user would have it.
        List<Guid> ids;
        string apiKey, token, cookie;
        var files = new Dictionary<string, byte[]>();
        List<(Guid Id, JobStatus Status, int Version, DateTime CreatedAt)> jobs;
        // PostgreSQL keeps timestamps to the microsecond; .NET ticks are 100 ns.
        static DateTime Microseconds(DateTime t) => new(t.Ticks - (t.Ticks % 10), t.Kind);
        int attempts;
        using (var sqlite = new PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" }, _data))
        {
            (_, apiKey) = await sqlite.CreateUserAsync("alice", password: Password);
            var alice = sqlite.CreateClientWithKey(apiKey);
            ids = [];
            for (var seed = 1; seed <= 3; seed++)
            {
                using var upload = await alice.PostAsync("/api/upload", UploadApiTests.Multipart(TestImages.DistinctPng(seed), $"photo-{seed}.png"));
                upload.EnsureSuccessStatusCode();
                ids.Add((await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imageId").GetGuid());
            }

            await sqlite.Services.GetRequiredService<JobRunner>().DrainAsync(CancellationToken.None);
            Assert.Equal(ids.Order(), (await ListAsync(alice)).Select(i => i.Id).Order());
            Assert.All(await ListAsync(alice), i => Assert.Equal("STORED", i.Status));
            foreach (var url in FileUrls(ids))
            {
                files[url] = await alice.GetByteArrayAsync(url);
            }

            (_, token, _) = await ShareLinksApiTests.ShareAsync(alice, [ids[0], ids[1]], allowDownload: true);
            cookie = await SignInAsync(sqlite, "alice", Password);
            Assert.Equal(HttpStatusCode.OK, (await WithCookie(sqlite, cookie).GetAsync("/api/images")).StatusCode);
            await using var db = sqlite.CreateDbContext();
            jobs = [.. (await db.Jobs.ToListAsync()).Select(j => (j.Id, j.Status, j.Version, Microseconds(j.CreatedAt))).OrderBy(j => j.Id)];
            attempts = await db.JobAttempts.CountAsync();
            Assert.NotEmpty(jobs);
            Assert.True(attempts > 0);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        // The move.
        var (exit, output, error) = await RunAsync("migrate-to-postgres", "--data-dir", _data, "--to", _connection);
        Assert.True(exit == 0, error);
        Assert.Matches(@"Images\s+3\b", output);
        Assert.Matches(@"AspNetUsers\s+1\b", output);
        Assert.Matches(@"ShareLinks\s+1\b", output);
        Assert.Contains("Pipeline__Database__Provider=Postgres", output, StringComparison.Ordinal);

        // A second move into the same database is refused and changes nothing.
        var (again, _, refused) = await RunAsync("migrate-to-postgres", "--data-dir", _data, "--to", _connection);
        Assert.Equal(1, again);
        Assert.Contains("is not empty", refused, StringComparison.Ordinal);

        // The key ring must now come from PostgreSQL: the file ring goes out of the way.
        var keyFiles = Directory.GetFiles(Path.Combine(_data, "keys"), "*.xml").Select(Path.GetFileNameWithoutExtension).Order().ToList();
        Assert.NotEmpty(keyFiles);
        Directory.Move(Path.Combine(_data, "keys"), Path.Combine(_data, "keys-before-move"));

        // After: the same data directory served by a PostgreSQL instance.
        using var postgres = new PipelineAppFactory(
            new Dictionary<string, string?>
            {
                ["Pipeline:Runner:Enabled"] = "false",
                ["Pipeline:Database:Provider"] = "Postgres",
                ["ConnectionStrings:Pipeline"] = _connection,
            },
            _data);
        await using (var db = postgres.CreateDbContext())
        {
            Assert.True(db.Database.IsNpgsql());
            Assert.Equal(jobs, [.. (await db.Jobs.ToListAsync()).Select(j => (j.Id, j.Status, j.Version, Microseconds(j.CreatedAt))).OrderBy(j => j.Id)]);
            Assert.Equal(attempts, await db.JobAttempts.CountAsync());
            Assert.Equal(keyFiles, (await db.DataProtectionKeys.Select(k => k.FriendlyName).ToListAsync()).Order().ToList());
        }

        var moved = postgres.CreateClientWithKey(apiKey);
        var listed = await ListAsync(moved);
        Assert.Equal(ids.Order(), listed.Select(i => i.Id).Order());
        Assert.All(listed, i => Assert.Equal("STORED", i.Status));
        foreach (var (url, bytes) in files)
        {
            Assert.Equal(bytes, await moved.GetByteArrayAsync(url));
        }

        var anonymous = postgres.CreateAnonymousClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/share/{token}")).StatusCode);
        Assert.Equal(files[$"/api/images/{ids[0]}/original"], await anonymous.GetByteArrayAsync($"/api/share/{token}/images/{ids[0]}/original"));

        // The cookie issued by the SQLite instance, and a new sign-in with the same password.
        Assert.Equal(HttpStatusCode.OK, (await WithCookie(postgres, cookie).GetAsync("/api/images")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await WithCookie(postgres, "ip.auth=forged").GetAsync("/api/images")).StatusCode);
        var fresh = await SignInAsync(postgres, "alice", Password);
        Assert.Equal(HttpStatusCode.OK, (await WithCookie(postgres, fresh).GetAsync("/api/images")).StatusCode);

        // New work continues past the copied ids (JobAttempts.Id is an identity column: its sequence was moved past them).
        using var another = await moved.PostAsync("/api/upload", UploadApiTests.Multipart(TestImages.DistinctPng(4), "photo-4.png"));
        another.EnsureSuccessStatusCode();
        await postgres.Services.GetRequiredService<JobRunner>().DrainAsync(CancellationToken.None);
        Assert.Equal(4, (await ListAsync(moved)).Count(i => i.Status == "STORED"));
        await using (var db = postgres.CreateDbContext())
        {
            Assert.True(await db.JobAttempts.CountAsync() > attempts);
        }
    }

    [Fact]
    public async Task Without_a_target_or_a_SQLite_database_the_command_fails_with_a_clear_message()
    {
        var (noTarget, _, targetError) = await RunAsync("migrate-to-postgres", "--data-dir", _data);
        Assert.Equal(1, noTarget);
        Assert.Contains("--to", targetError, StringComparison.Ordinal);

        var (noDatabase, _, databaseError) = await RunAsync("migrate-to-postgres", "--data-dir", _data, "--to", _connection);
        Assert.Equal(1, noDatabase);
        Assert.Contains("There is no SQLite database", databaseError, StringComparison.Ordinal);
    }

    private static IEnumerable<string> FileUrls(IEnumerable<Guid> ids) =>
        ids.SelectMany(id => new[] { "original", "preview", "thumbnail" }.Select(kind => $"/api/images/{id}/{kind}"));

    private static async Task<List<(Guid Id, string Status)>> ListAsync(HttpClient client)
    {
        var page = await client.GetFromJsonAsync<JsonElement>("/api/images?pageSize=100");
        return [.. page.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("imageId").GetGuid(), i.GetProperty("status").GetString()!))];
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await PipelineHost.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static HttpClient WithCookie(PipelineAppFactory app, string cookie)
    {
        var client = app.CreateAnonymousClient();
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    /// <summary>Signs in through the login form; returns the auth cookie ("ip.auth=...").</summary>
    private static async Task<string> SignInAsync(PipelineAppFactory app, string userName, string password)
    {
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        browser.DefaultRequestHeaders.Remove("X-Api-Key");
        using var page = await browser.GetAsync("/account/login");
        var antiforgery = page.Headers.GetValues("Set-Cookie").First(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal)).Split(';')[0];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = AntiforgeryField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value,
                ["userName"] = userName,
                ["password"] = password,
                ["returnUrl"] = "/",
            }),
        };
        request.Headers.Add("Cookie", antiforgery);
        using var signedIn = await browser.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ip.auth=", StringComparison.Ordinal)).Split(';')[0];
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
