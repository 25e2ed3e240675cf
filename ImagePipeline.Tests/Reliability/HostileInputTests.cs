using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ImagePipeline.Tests.Hosting;
using ImagePipeline.Tests.Support;
using Xunit.Abstractions;

namespace ImagePipeline.Tests.Reliability;

/// <summary>Hostile uploads against the published app: each gets its documented 4xx or a FAILED job, nothing stray is kept, the process stays well.</summary>
[Collection(PublishedBinaryCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class HostileInputTests(PublishedBinaryFixture binary, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_hostile_upload_is_refused_or_fails_cleanly()
    {
        var ct = CancellationToken.None;
        var folder = binary.NewInstallFolder();
        var probe = new DataDirectoryProbe(Path.Combine(folder, "data"));
        var jpeg = await File.ReadAllBytesAsync(TestPaths.Image("exif-landscape_1.jpg"), ct);
        var random = new Random(42);
        byte[] Random(int n)
        {
            var b = new byte[n];
            random.NextBytes(b);
            return b;
        }

        var cases = new (string Name, byte[] Bytes, string FileName)[]
        {
            ("zero bytes", [], "empty.jpg"),
            ("one byte", [0xFF], "one.jpg"),
            ("truncated JPEG (header only)", jpeg[..200], "trunc1.jpg"),
            ("truncated JPEG (half)", jpeg[..(jpeg.Length / 2)], "trunc2.jpg"),
            ("random bytes after a JPEG header", [.. jpeg[..20], .. Random(50_000)], "noise.jpg"),
            ("PNG declaring 100000x100000", TestImages.PngHeaderOnly(100_000, 100_000), "huge.png"),
            ("GIF with a huge logical screen", [.. "GIF89a"u8, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B], "huge.gif"),
            ("HTML renamed .jpg", "<!DOCTYPE html><html><body>hi</body></html>"u8.ToArray(), "page.jpg"),
            ("SVG renamed .jpg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"u8.ToArray(), "vector.jpg"),
            ("PDF renamed .jpg", "%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"u8.ToArray(), "doc.jpg"),
            ("ELF renamed .jpg", [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, .. Random(4000)], "prog.jpg"),
        };

        // Names: valid photos with hostile names are accepted (the name is only metadata) and never become paths.
        var names = new[] { "../../etc/passwd.jpg", "a\u0000b.jpg", new string('n', 1000) + ".jpg", "📷🌄.jpg", "\u202Egpj.exe" };
        var accepted = 0;
        var namedIds = new List<Guid>();
        await using (var app = await RunningApp.StartAsync(folder, cancellationToken: ct))
        {
            foreach (var (name, bytes, fileName) in cases)
            {
                using var response = await PipelineApiClient.UploadAsync(app.Client, bytes, fileName, ct);
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync(ct);
                output.WriteLine($"{name}: {status} {Trim(body)}");
                if (status == 201)
                {
                    var id = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("imageId").GetGuid();
                    Assert.Equal("FAILED", await PipelineApiClient.WaitForStatusAsync(app.Client, id, TimeSpan.FromSeconds(30), ct, "STORED", "FAILED"));
                    var image = await PipelineApiClient.GetImageAsync(app.Client, id, ct);
                    Assert.Contains("lastError", image.ToString(), StringComparison.OrdinalIgnoreCase);
                    accepted++;
                }
                else
                {
                    Assert.Contains(status, new[] { 400, 413, 415, 422 });
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }
            }

            // Bytes after a JPEG's end are accepted (phones write trailers there), but only ever served as the original's JPEG.
            byte[] polyglot = [.. jpeg, .. "<html><script>alert(1)</script></html>"u8];
            using (var response = await PipelineApiClient.UploadAsync(app.Client, polyglot, "polyglot.jpg", ct))
            {
                output.WriteLine($"JPEG with HTML appended: {(int)response.StatusCode}");
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                var id = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("imageId").GetGuid();
                Assert.Equal("STORED", await PipelineApiClient.WaitForStatusAsync(app.Client, id, TimeSpan.FromSeconds(60), ct, "STORED", "FAILED"));
                using var original = await app.Client.GetAsync($"api/images/{id}/original", ct);
                Assert.Equal("image/jpeg", original.Content.Headers.ContentType?.MediaType);
                Assert.Equal("nosniff", original.Headers.GetValues("X-Content-Type-Options").Single());
                Assert.Equal(polyglot, await original.Content.ReadAsByteArrayAsync(ct));
                accepted++;
            }

            // Decode bombs that pass the 100 MP check: each is refused (4xx) or ends STORED/FAILED, the process under 1 GiB.
            var bombs = new (string Name, byte[] Bytes, string FileName)[]
            {
                ("GIF 10000x10000 canvas with 8 one-pixel frames", TestImages.GifTinyFrames(10_000, 10_000, 8), "canvas.gif"),
                ("TIFF 1x1 page then a 16000x16000 page", TestImages.TiffTwoPages(1, 1, 16_000, 16_000), "pages.tiff"),
                ("PNG with a zTXt chunk inflating to 400 MB", TestImages.PngWithTextBomb(400L * 1024 * 1024), "text.png"),
            };
            foreach (var (name, bytes, fileName) in bombs)
            {
                using var response = await PipelineApiClient.UploadAsync(app.Client, bytes, fileName, ct);
                var status = (int)response.StatusCode;
                var body = await response.Content.ReadAsStringAsync(ct);
                output.WriteLine($"{name} ({bytes.Length} bytes): {status} {Trim(body)}; peak RSS {app.PeakResidentBytes() / (1024 * 1024)} MiB");
                if (status == 201)
                {
                    var id = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("imageId").GetGuid();
                    var final = await PipelineApiClient.WaitForStatusAsync(app.Client, id, TimeSpan.FromSeconds(120), ct, "STORED", "FAILED");
                    output.WriteLine($"  ended {final}; peak RSS {app.PeakResidentBytes() / (1024 * 1024)} MiB");
                    accepted++;
                }
                else
                {
                    Assert.Contains(status, new[] { 400, 413, 415, 422 });
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }

                Assert.True(app.PeakResidentBytes() < 1L << 30, $"{name}: peak RSS {app.PeakResidentBytes()} bytes");
            }

            // A request whose Content-Length promises more than it sends, then the client goes away.
            await SendLyingContentLengthAsync(app, probe, jpeg, ct);

            for (var i = 0; i < names.Length; i++)
            {
                using var response = await app.Client.PostAsync("api/upload", RawMultipart(JpegVariants.WithComment(jpeg, $"name-{i}"), names[i]), ct);
                output.WriteLine($"file name #{i}: {(int)response.StatusCode}");
                Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest, $"name #{i}: {(int)response.StatusCode}");
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    accepted++;
                    namedIds.Add(System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("imageId").GetGuid());
                }
            }

            // Let their jobs finish, so the temp area holds nothing in flight when it is checked.
            foreach (var id in namedIds)
            {
                Assert.Equal("STORED", await PipelineApiClient.WaitForStatusAsync(app.Client, id, TimeSpan.FromSeconds(60), ct, "STORED", "FAILED"));
            }

            foreach (var (name, request) in MalformedMultipart(jpeg))
            {
                using var response = await app.Client.SendAsync(request, ct);
                output.WriteLine($"{name}: {(int)response.StatusCode}");
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            }

            using (var health = await app.Client.GetAsync("health", ct))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }

            var rss = app.ResidentBytes();
            output.WriteLine($"RSS after the hostile set: {rss / (1024 * 1024)} MiB");
            Assert.True(rss < 1L << 30, $"RSS {rss} bytes");
            Assert.Equal(accepted, probe.Count("SELECT COUNT(*) FROM Images"));
            Assert.Equal(accepted, probe.Files("originals").Count);
            // A refused or abandoned request leaves no .part in the live temp area (not only after the next start-up sweep). The
            // runner may still be writing an asset of the image the two-file request kept and then deleted: wait for it (bounded).
            for (var i = 0; i < 100 && probe.TempFiles().Count > 0; i++)
            {
                await Task.Delay(100, ct);
            }

            var live = probe.TempFiles();
            Assert.True(live.Count == 0, "temp files while running: " + string.Join(", ", live.Select(f => Path.GetRelativePath(folder, f))));
            var peak = app.PeakResidentBytes();
            output.WriteLine($"peak RSS (VmHWM): {peak / (1024 * 1024)} MiB");
            Assert.True(peak < 1L << 30, $"VmHWM {peak} bytes");
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).Except(["ImagePipeline.Web", "data"]));
        }

        await using (var app = await RunningApp.StartAsync(folder, cancellationToken: ct))
        {
            var stray = probe.TempFiles();
            Assert.True(stray.Count == 0, "temp files after the start-up sweep: " + string.Join(", ", stray.Select(f => Path.GetRelativePath(folder, f))));
        }

        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Declares 5 MB, sends the multipart head and 100 KB of a JPEG, then closes the connection.</summary>
    private static async Task SendLyingContentLengthAsync(RunningApp app, DataDirectoryProbe probe, byte[] jpeg, CancellationToken ct)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(app.BaseAddress.Host, app.BaseAddress.Port, ct);
        var stream = tcp.GetStream();
        const string boundary = "lying-boundary";
        var head = Encoding.ASCII.GetBytes(
            $"POST /api/upload HTTP/1.1\r\nHost: {app.BaseAddress.Authority}\r\nX-Api-Key: {app.ApiKey}\r\n" +
            $"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 5000000\r\n\r\n" +
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"liar.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n");
        await stream.WriteAsync(head, ct);
        await stream.WriteAsync(jpeg.AsMemory(0, Math.Min(jpeg.Length, 100_000)), ct);
        await stream.FlushAsync(ct);
        await Task.Delay(500, ct);
        tcp.Client.Shutdown(System.Net.Sockets.SocketShutdown.Both);
        tcp.Close();

        // The server notices the closed connection and ends the request; wait for it (bounded), then the temp area is checked.
        for (var i = 0; i < 50 && probe.TempFiles().Count > 0; i++)
        {
            await Task.Delay(100, ct);
        }
    }

    private static IEnumerable<(string Name, HttpRequestMessage Request)> MalformedMultipart(byte[] jpeg)
    {
        var two = new MultipartFormDataContent { { new ByteArrayContent(jpeg), "file", "a.jpg" }, { new ByteArrayContent(JpegVariants.WithComment(jpeg, "b")), "file", "b.jpg" } };
        yield return ("two files", new HttpRequestMessage(HttpMethod.Post, "api/upload") { Content = two });
        var wrong = new MultipartFormDataContent { { new ByteArrayContent(jpeg), "photo", "a.jpg" } };
        yield return ("wrong field name", new HttpRequestMessage(HttpMethod.Post, "api/upload") { Content = wrong });
        var noBoundary = new ByteArrayContent(jpeg);
        noBoundary.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data");
        yield return ("no boundary", new HttpRequestMessage(HttpMethod.Post, "api/upload") { Content = noBoundary });
        var raw = new ByteArrayContent(jpeg);
        raw.Headers.ContentType = MediaTypeHeaderValue.Parse("image/jpeg");
        yield return ("raw body, not multipart", new HttpRequestMessage(HttpMethod.Post, "api/upload") { Content = raw });
        var broken = new StringContent("--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\nabc", Encoding.ASCII);
        broken.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
        yield return ("multipart without a closing boundary", new HttpRequestMessage(HttpMethod.Post, "api/upload") { Content = broken });
    }

    /// <summary>A multipart body written by hand, so the file name reaches the server byte for byte (HttpClient refuses NUL in headers).</summary>
    private static ByteArrayContent RawMultipart(byte[] file, string fileName)
    {
        const string boundary = "hostile-boundary-7d1f";
        var head = Encoding.UTF8.GetBytes($"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{fileName}\"\r\nContent-Type: image/jpeg\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n");
        var content = new ByteArrayContent([.. head, .. file, .. tail]);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        return content;
    }

    private static string Trim(string body) => body.Length > 160 ? body[..160] : body;
}
