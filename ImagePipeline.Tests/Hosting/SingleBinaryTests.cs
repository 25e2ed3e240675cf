using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using ImagePipeline.Tests.Support;
using Xunit.Abstractions;

namespace ImagePipeline.Tests.Hosting;

/// <summary>The published single binary, copied alone into an empty folder: it serves the UI and its assets, processes an upload, backs up and restores.</summary>
[Collection(PublishedBinaryCollection.Name)]
[Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)] // the single binary on its SQLite file, backup and restore of it
public sealed partial class SingleBinaryTests(PublishedBinaryFixture binary, ITestOutputHelper output)
{
    [Fact]
    public async Task Serves_ui_and_embedded_assets_processes_an_upload_and_restores_from_backup()
    {
        var ct = CancellationToken.None;
        output.WriteLine($"binary: {binary.BinarySize / (1024.0 * 1024.0):F1} MiB (published in {binary.PublishTime.TotalSeconds:F0} s)");
        var folder = binary.NewInstallFolder();
        Guid id;
        byte[] photo = await File.ReadAllBytesAsync(TestPaths.Image("exif-landscape_6.jpg"), ct);
        var backup = Path.Combine(TestPaths.NewTempDirectory("ip-backup"), "backup.tar");
        await using (var app = await RunningApp.StartAsync(folder, cancellationToken: ct))
        {
            output.WriteLine($"start to first 200: {app.StartupTime.TotalMilliseconds:F0} ms");
            Assert.True(Directory.Exists(Path.Combine(folder, "data")), "the first run creates ./data");
            Assert.True(File.Exists(Path.Combine(folder, "data", "pipeline.db")), "the first run creates the database");
            Assert.Contains("ImagePipeline is ready: open http://127.0.0.1:", app.Output, StringComparison.Ordinal);

            // It unpacked itself once (all of it, so later starts map plain files) and holds its folder's lock while it runs.
            var unpacked = Assert.Single(Directory.GetDirectories(Path.Combine(binary.ExtractionBase, "ImagePipeline.Web")));
            Assert.True(File.Exists(Path.Combine(unpacked, "ImagePipeline.Web.dll")), "the app's assemblies are unpacked");
            Assert.Throws<IOException>(() => new FileStream(Path.Combine(unpacked, Web.Hosting.BundleExtractionJanitor.LockFileName),
                FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose());

            using var page = await app.Client.GetAsync("", ct);
            var html = await page.Content.ReadAsStringAsync(ct);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            var appCss = AppCssLink().Match(html);
            Assert.True(appCss.Success, "the page links the app's stylesheet");

            await AssertAssetAsync(app.Client, "_framework/blazor.web.js", "text/javascript", ct);
            await AssertAssetAsync(app.Client, "_content/MudBlazor/MudBlazor.min.css", "text/css", ct);
            await AssertAssetAsync(app.Client, "_content/MudBlazor/MudBlazor.min.js", "text/javascript", ct);
            await AssertAssetAsync(app.Client, appCss.Groups[1].Value, "text/css", ct);

            // The app's own assets come from the repository's top-level wwwroot-assets folder.
            var favicon = FaviconLink().Match(html);
            Assert.True(favicon.Success, "the page links the favicon");
            await AssertAssetAsync(app.Client, favicon.Groups[1].Value, "image/svg+xml", ct);
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(TestPaths.RepositoryRoot, "wwwroot-assets", "favicon.svg"), ct),
                await app.Client.GetByteArrayAsync(favicon.Groups[1].Value, ct));
            var manifest = ManifestLink().Match(html);
            Assert.True(manifest.Success, "the page links the web manifest");
            await AssertAssetAsync(app.Client, manifest.Groups[1].Value, "application/manifest+json", ct);
            using (var missing = await app.Client.GetAsync("_content/MudBlazor/nope.css", ct))
            {
                Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            }

            id = await PipelineApiClient.UploadNewAsync(app.Client, photo, "exif-landscape_6.jpg", ct);
            Assert.Equal("STORED", await PipelineApiClient.WaitForStatusAsync(app.Client, id, TimeSpan.FromSeconds(60), ct, "STORED", "FAILED"));

            // Online: the app keeps running while the backup is taken.
            var (exit, log) = await ProcessRunner.RunAsync(Path.Combine(folder, "ImagePipeline.Web"), ["backup", backup], folder,
                new Dictionary<string, string>(), TimeSpan.FromSeconds(60), ct);
            Assert.True(exit == 0, log);
            Assert.Contains("Backed up", log, StringComparison.Ordinal);
        }

        var second = binary.NewInstallFolder();
        var (restored, restoreLog) = await ProcessRunner.RunAsync(Path.Combine(second, "ImagePipeline.Web"), ["restore", backup, "--data-dir", "data"], second,
            new Dictionary<string, string>(), TimeSpan.FromSeconds(60), ct);
        Assert.True(restored == 0, restoreLog);
        await using (var app = await RunningApp.StartAsync(second, cancellationToken: ct))
        {
            Assert.Equal("STORED", await PipelineApiClient.StatusAsync(app.Client, id, ct));
            Assert.Equal(photo, await app.Client.GetByteArrayAsync($"api/images/{id}/original", ct));
            using var preview = await app.Client.GetAsync($"api/images/{id}/preview", ct);
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        }

        Directory.Delete(folder, recursive: true);
        Directory.Delete(second, recursive: true);
        Directory.Delete(Path.GetDirectoryName(backup)!, recursive: true);
    }

    [Fact]
    public async Task Command_line_answers_help_version_and_migrates_an_empty_folder()
    {
        var ct = CancellationToken.None;
        var folder = binary.NewInstallFolder();
        var exe = Path.Combine(folder, "ImagePipeline.Web");
        var none = new Dictionary<string, string>();

        var (helpExit, help) = await ProcessRunner.RunAsync(exe, ["--help"], folder, none, TimeSpan.FromSeconds(30), ct);
        Assert.Equal(0, helpExit);
        Assert.Contains("backup <file.tar>", help, StringComparison.Ordinal);

        var (versionExit, version) = await ProcessRunner.RunAsync(exe, ["--version"], folder, none, TimeSpan.FromSeconds(30), ct);
        Assert.Equal(0, versionExit);
        Assert.StartsWith("ImagePipeline ", version, StringComparison.Ordinal);

        var (badExit, _) = await ProcessRunner.RunAsync(exe, ["frobnicate"], folder, none, TimeSpan.FromSeconds(30), ct);
        Assert.Equal(2, badExit);

        var clock = Stopwatch.StartNew();
        var (migrateExit, migrate) = await ProcessRunner.RunAsync(exe, ["migrate", "--data-dir", "store"], folder, none, TimeSpan.FromSeconds(60), ct);
        Assert.True(migrateExit == 0, migrate);
        Assert.Contains("Applied", migrate, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "store", "pipeline.db")));
        output.WriteLine($"migrate of an empty folder: {clock.ElapsedMilliseconds} ms");

        var (againExit, again) = await ProcessRunner.RunAsync(exe, ["migrate", "--data-dir", "store"], folder, none, TimeSpan.FromSeconds(60), ct);
        Assert.True(againExit == 0, again);
        Assert.Contains("up to date", again, StringComparison.Ordinal);

        var (backfillExit, backfill) = await ProcessRunner.RunAsync(exe, ["backfill", "--data-dir", "store"], folder, none, TimeSpan.FromSeconds(60), ct);
        Assert.True(backfillExit == 0, backfill);
        Assert.Contains("Backfill enqueued 0 job(s)", backfill, StringComparison.Ordinal);

        var adminPassword = new Dictionary<string, string> { [ImagePipeline.Web.Hosting.AdminAccount.PasswordVariable] = "correct horse battery" };
        var (refusedExit, refused) = await ProcessRunner.RunAsync(exe, ["create-admin", "--email", "owner@example.org", "--password", "correct horse battery", "--data-dir", "store"],
            folder, none, TimeSpan.FromSeconds(60), ct);
        Assert.True(refusedExit != 0, refused);
        Assert.Contains("does not take --password", refused, StringComparison.Ordinal);
        var (adminExit, admin) = await ProcessRunner.RunAsync(exe, ["create-admin", "--email", "owner@example.org", "--data-dir", "store"],
            folder, adminPassword, TimeSpan.FromSeconds(60), ct);
        Assert.True(adminExit == 0, admin);
        Assert.Contains("owner@example.org is an administrator.", admin, StringComparison.Ordinal);
        var (againAdminExit, againAdmin) = await ProcessRunner.RunAsync(exe, ["create-admin", "--email", "owner@example.org", "--data-dir", "store"],
            folder, adminPassword, TimeSpan.FromSeconds(60), ct);
        Assert.True(againAdminExit == 0, againAdmin);
        Assert.Contains("exists already", againAdmin, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    private static async Task AssertAssetAsync(HttpClient client, string path, string contentType, CancellationToken ct)
    {
        using var plain = await client.GetAsync(path, ct);
        Assert.True(plain.StatusCode == HttpStatusCode.OK, $"{path}: {(int)plain.StatusCode}");
        Assert.Equal(contentType, plain.Content.Headers.ContentType?.MediaType);
        Assert.True((await plain.Content.ReadAsByteArrayAsync(ct)).Length > 0, $"{path} is empty");
        var etag = plain.Headers.ETag;
        Assert.NotNull(etag);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, path);
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await client.SendAsync(conditional, ct);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        foreach (var encoding in new[] { "br", "gzip" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
            using var compressed = await client.SendAsync(request, ct);
            Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
            Assert.Equal(encoding, Assert.Single(compressed.Content.Headers.ContentEncoding));
            Assert.Equal(contentType, compressed.Content.Headers.ContentType?.MediaType);
            var plainLength = (await plain.Content.ReadAsByteArrayAsync(ct)).Length;
            Assert.True(plainLength < 1024 || compressed.Content.Headers.ContentLength < plainLength, $"{path} {encoding} is smaller");
        }
    }

    [GeneratedRegex("href=\"(app[^\"]*\\.css)\"")]
    private static partial Regex AppCssLink();

    [GeneratedRegex("href=\"(favicon[^\"]*\\.svg)\"")]
    private static partial Regex FaviconLink();

    [GeneratedRegex("href=\"(site[^\"]*\\.webmanifest)\"")]
    private static partial Regex ManifestLink();
}
