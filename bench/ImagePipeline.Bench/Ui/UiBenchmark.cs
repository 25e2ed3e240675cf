using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ImagePipeline.Bench.Data;
using ImagePipeline.Bench.EndToEnd;
using ImagePipeline.Bench.Measurement;
using ImagePipeline.Bench.Queue;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Bench.Ui;

/// <summary>
/// The running app (Release, own process) over 10,000 images: <c>GET /api/images?pageSize=100</c> over HTTP with the key and with
/// a sign-in cookie, and the gallery's first page <c>GET /</c> for a signed-in user; plus the single-file start when documented.
/// </summary>
public sealed partial class UiBenchmark(int runs, string outputRoot)
{
    public const int Images = 10_000;

    /// <summary>The seeded capture dates spread evenly over this many years up to now, so the scrubber has months.</summary>
    public const int Years = 4;
    private const string UserName = "bench-admin";
    private const string Password = "Bench-password-1234";

    public async Task RunAsync(TextWriter report)
    {
        var appDll = await AppHost.LocateAsync(outputRoot);
        var data = Path.Combine(outputRoot, "ui-data");

        // First start: migrations run, the admin is made through the setup form.
        Console.Error.WriteLine("  first start: setup form...");
        double firstStart;
        await using (var app = await AppHost.StartAsync(appDll, data))
        {
            firstStart = app.StartupMilliseconds;
            using var browser = Browser(app, out _);
            var token = await AntiforgeryTokenAsync(browser, "/setup");
            using var setup = await browser.PostAsync("/setup/admin", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["userName"] = UserName,
                ["password"] = Password,
                ["confirmPassword"] = Password,
                ["__RequestVerificationToken"] = token,
            }));
            if (setup.StatusCode != HttpStatusCode.Redirect || setup.Headers.Location?.OriginalString != "/")
            {
                throw new InvalidOperationException($"Setup answered {(int)setup.StatusCode} → {setup.Headers.Location}: {await setup.Content.ReadAsStringAsync()}");
            }
        }

        // Seed 10,000 STORED images owned by the admin, through the real PipelineDbContext, while the app is down.
        Console.Error.WriteLine($"  seeding {Images:N0} images...");
        await using (var database = await BenchDatabase.CreateAsync(outputRoot, "ui-data"))
        {
            await using var db = await database.Services.GetRequiredService<IDbContextFactory<PipelineDbContext>>().CreateDbContextAsync();
            var owner = await db.Users.Where(u => u.UserName == UserName).Select(u => u.Id).SingleAsync();
            await database.SeedAsync(Images, ImageStatus.Stored, JobStatus.Completed, owner, TimeSpan.FromDays(Years * 365.25) / Images);
            await WriteThumbnailsAsync(db, data);
        }

        Console.Error.WriteLine("  second start: sign-in form, list and gallery...");
        await using (var app = await AppHost.StartAsync(appDll, data))
        {
            using var browser = Browser(app, out _);
            var token = await AntiforgeryTokenAsync(browser, "/account/login");
            using (var signIn = await browser.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["userName"] = UserName,
                ["password"] = Password,
                ["returnUrl"] = "/",
                ["__RequestVerificationToken"] = token,
            })))
            {
                if (signIn.StatusCode != HttpStatusCode.Redirect || signIn.Headers.Location?.OriginalString != "/")
                {
                    throw new InvalidOperationException($"Sign-in answered {(int)signIn.StatusCode} → {signIn.Headers.Location}");
                }
            }

            var cases = new (string Name, HttpClient Client, string Path, (string, Func<List<double>, bool>)? Target)[]
            {
                ("`GET /api/images?pageSize=100`, X-Api-Key (admin)", app.Client, "/api/images?pageSize=100", ("median ≤ 20 ms", s => Stats.Of(s).Median <= 20)),
                ("`GET /api/images?pageSize=100`, sign-in cookie (admin, owner of all)", browser, "/api/images?pageSize=100", ("median ≤ 20 ms", s => Stats.Of(s).Median <= 20)),
                ("`GET /api/images?pageSize=100&page=50`, X-Api-Key", app.Client, "/api/images?pageSize=100&page=50", null),
                ("`GET /` (gallery, first page), sign-in cookie", browser, "/", null),
                ("`GET /health` (baseline: the cheapest request)", app.Client, "/health", null),
            };
            var samples = cases.ToDictionary(c => c.Name, _ => new List<double>());
            var bytes = cases.ToDictionary(c => c.Name, _ => 0L);
            var tiles = 0;
            for (var i = -3; i < Math.Max(50, runs * 10); i++)
            {
                foreach (var c in cases)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var response = await c.Client.GetAsync(c.Path);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        throw new InvalidOperationException($"{c.Path} answered {(int)response.StatusCode}");
                    }

                    if (c.Path.StartsWith("/api/images", StringComparison.Ordinal) && i == -3)
                    {
                        var items = JsonDocument.Parse(body).RootElement.GetProperty("items").GetArrayLength();
                        if (items != 100)
                        {
                            throw new InvalidOperationException($"{c.Path}: expected 100 items, got {items}.");
                        }
                    }

                    if (i >= 0)
                    {
                        samples[c.Name].Add(ms);
                        bytes[c.Name] = body.Length;
                    }

                    if (c.Path == "/")
                    {
                        tiles = ThumbnailPattern().Count(System.Text.Encoding.UTF8.GetString(body));
                    }
                }
            }

            report.WriteLine($"## UI: the running app over {Images:N0} images (HTTP, Release, own process)");
            report.WriteLine();
            report.WriteLine($"{Images:N0} STORED images (two COMPLETED jobs each; capture dates over {Years} years; a real small JPEG at each thumbnail path, "
                + "the other asset paths fake) inserted through the real `PipelineDbContext` after the app's "
                + "own first start had migrated the database and the admin had been created through the setup form; then the app restarted and "
                + "the admin signed in through the login form (antiforgery token from the HTML, cookie kept). "
                + $"{samples.First().Value.Count} calls per case after 3 warm-ups, cases interleaved, one keep-alive connection per client; "
                + "time to the last byte of the body. Milliseconds.");
            report.WriteLine();
            var table = new MarkdownTable("case", "median", "p95", "min", "max", "target", "met");
            foreach (var c in cases)
            {
                QueueBenchmark.Row(table, $"{c.Name} ({bytes[c.Name] / 1024.0:F0} KB)", samples[c.Name], c.Target);
            }

            report.WriteLine(table);
            report.WriteLine($"`GET /` as served (server prerendering) holds {tiles} thumbnail URLs (`/api/images/<id>/thumbnail`) of the 10,000.");
            report.WriteLine();
            report.WriteLine($"Start-up (process start → first 200 on `/health`, `dotnet ImagePipeline.Web.dll`): empty data directory {firstStart:F0} ms; "
                + $"with {Images:N0} images {app.StartupMilliseconds:F0} ms.");
            report.WriteLine();
        }

        Console.Error.WriteLine("  third start (EF command log on): the gallery in Chromium...");
        await using (var app = await AppHost.StartAsync(appDll, data, GalleryBrowserBenchmark.AppEnvironment))
        {
            await new GalleryBrowserBenchmark(runs, UserName, Password).RunAsync(app, report);
        }

        await SingleFileAsync(report);
    }

    /// <summary>A real small JPEG at every seeded thumbnail path (a few colours), so the gallery decodes and paints thumbnails.</summary>
    private static async Task WriteThumbnailsAsync(PipelineDbContext db, string data)
    {
        var variants = new List<byte[]>();
        for (var v = 0; v < 8; v++)
        {
            using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(320, 213);
            image.ProcessPixelRows(rows =>
            {
                for (var y = 0; y < rows.Height; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (var x = 0; x < row.Length; x++)
                    {
                        row[x] = new SixLabors.ImageSharp.PixelFormats.Rgb24((byte)(x * 255 / 320), (byte)(y * 255 / 213), (byte)(v * 32));
                    }
                }
            });
            using var buffer = new MemoryStream();
            await SixLabors.ImageSharp.ImageExtensions.SaveAsJpegAsync(image, buffer, new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder { Quality = 80 });
            variants.Add(buffer.ToArray());
        }

        var paths = await db.Images.Where(i => i.ThumbnailPath != null).Select(i => i.ThumbnailPath!).ToListAsync();
        for (var i = 0; i < paths.Count; i++)
        {
            var path = Path.Combine(data, paths[i]);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, variants[i % variants.Count]);
        }
    }

    /// <summary>
    /// The README's single-file publish (<c>dotnet publish ImagePipeline.Web -c Release -r linux-x64 -p:PublishSingleFile=true</c>; or
    /// <c>BENCH_SINGLE</c>, the path of such a binary): its size, and process start → first 200 on <c>/health</c>.
    /// </summary>
    private async Task SingleFileAsync(TextWriter report)
    {
        report.WriteLine("## Single-binary start");
        report.WriteLine();
        var readme = Path.Combine(AppHost.RepositoryRoot(), "README.md");
        var text = File.Exists(readme) ? await File.ReadAllTextAsync(readme) : string.Empty;
        if (!text.Contains("Self-hosting", StringComparison.Ordinal) || !text.Contains("PublishSingleFile", StringComparison.Ordinal))
        {
            report.WriteLine("Skipped: the README has no documented single-file publish (`Self-hosting` with `PublishSingleFile`) on this branch yet.");
            report.WriteLine();
            return;
        }

        var binary = Environment.GetEnvironmentVariable("BENCH_SINGLE") is { Length: > 0 } configured ? configured : await PublishSingleFileAsync();
        var folder = Path.GetDirectoryName(binary)!;
        var size = new FileInfo(binary).Length;
        var beside = Directory.GetFiles(folder).Where(f => f != binary).Select(Path.GetFileName).ToList();
        var data = Path.Combine(outputRoot, "single-data");
        double first = 0;
        var starts = new List<double>();
        for (var i = -1; i < Math.Max(5, runs); i++)
        {
            await using var app = await AppHost.StartAsync(binary, data);
            if (i < 0)
            {
                first = app.StartupMilliseconds;
            }
            else
            {
                starts.Add(app.StartupMilliseconds);
            }
        }

        report.WriteLine($"`{Path.GetFileName(binary)}` from the README's single-file publish (self-contained, ReadyToRun as the csproj sets): "
            + $"**{size / 1024.0 / 1024.0:F0} MiB**; beside it: {(beside.Count == 0 ? "nothing" : string.Join(", ", beside))}. "
            + "Process start → first 200 on `/health`, 127.0.0.1, bootstrap key set. Milliseconds.");
        report.WriteLine();
        var table = new MarkdownTable("case", "median", "p95", "min", "max", "target", "met");
        table.Add("first start (empty data directory: migrations, keys)", first.ToString("F0", CultureInfo.InvariantCulture), "–", "–", "–", "–", "–");
        QueueBenchmark.Row(table, $"start with that data directory ({starts.Count} starts)", starts, ("< 1 s", s => Stats.Of(s).Median < 1000));
        report.WriteLine(table);
    }

    private async Task<string> PublishSingleFileAsync()
    {
        var output = Path.Combine(outputRoot, "single");
        var binary = Path.Combine(output, "ImagePipeline.Web");
        if (File.Exists(binary))
        {
            return binary;
        }

        var project = Path.Combine(AppHost.RepositoryRoot(), "ImagePipeline.Web");
        Console.Error.WriteLine($"  dotnet publish {project} -c Release -r linux-x64 -p:PublishSingleFile=true -o {output} ...");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "publish", project, "-c", "Release", "-r", "linux-x64", "-p:PublishSingleFile=true", "-o", output, "-nologo", "-v", "q" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet publish did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 && File.Exists(binary)
            ? binary
            : throw new InvalidOperationException($"single-file publish failed ({process.ExitCode}): {await stdout}{await stderr}");
    }

    private static HttpClient Browser(AppHost app, out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        return app.CreateClient(withKey: false, new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false, UseCookies = true });
    }

    private static async Task<string> AntiforgeryTokenAsync(HttpClient browser, string path)
    {
        var html = await browser.GetStringAsync(path);
        return TokenPattern().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException($"No __RequestVerificationToken in {path}.");
    }

    [GeneratedRegex("/api/images/[0-9a-fA-F-]{32,36}/thumbnail")]
    private static partial Regex ThumbnailPattern();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
