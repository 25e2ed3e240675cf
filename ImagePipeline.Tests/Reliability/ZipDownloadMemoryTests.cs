using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using ImagePipeline.Tests.Hosting;
using ImagePipeline.Tests.Support;
using Xunit.Abstractions;

namespace ImagePipeline.Tests.Reliability;

/// <summary>
/// A zip of 50 large photos (~175 MB) from the published app is streamed as it is built: the app's resident memory stays
/// flat while a slow-ish client reads it to the end, and the zip holds the 50 originals byte for byte.
/// </summary>
[Collection(PublishedBinaryCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class ZipDownloadMemoryTests(PublishedBinaryFixture binary, ITestOutputHelper output)
{
    private const int Photos = 50;
    private const int PhotoBytes = 3_500_000;

    [Fact]
    public async Task Zip_of_fifty_large_photos_streams_with_a_flat_memory_profile()
    {
        var ct = CancellationToken.None;
        var folder = binary.NewInstallFolder();
        var source = await File.ReadAllBytesAsync(TestPaths.Image("path-2560x1600.jpg"), ct);
        var originals = Enumerable.Range(0, Photos).Select(i => Padded(source, i, PhotoBytes)).ToArray();
        await using var app = await RunningApp.StartAsync(folder, cancellationToken: ct);

        var ids = new Guid[Photos];
        await Parallel.ForAsync(0, Photos, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (i, token) =>
            ids[i] = await PipelineApiClient.UploadNewAsync(app.Client, originals[i], $"photo-{i:D2}.jpg", token));
        foreach (var id in ids)
        {
            Assert.Equal("STORED", await PipelineApiClient.WaitForStatusAsync(app.Client, id, TimeSpan.FromMinutes(5), ct, "STORED", "FAILED"));
        }

        // Let the processing settle, then take the baseline just before the download starts.
        await Task.Delay(2000, ct);
        var baseline = ResidentBytes(app.ProcessId);
        var zipPath = Path.Combine(TestPaths.NewTempDirectory("ip-zip"), "photos.zip");
        long peak = baseline;
        long zipBytes = 0;
        var samples = 0;
        using (var sampling = new CancellationTokenSource())
        {
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    var rss = ResidentBytes(app.ProcessId);
                    Interlocked.Exchange(ref peak, Math.Max(Interlocked.Read(ref peak), rss));
                    Interlocked.Increment(ref samples);
                    await Task.Delay(50, CancellationToken.None);
                }
            }, CancellationToken.None);

            using var request = new HttpRequestMessage(HttpMethod.Post, "api/images/download") { Content = JsonContent.Create(new { ids }) };
            using var streamed = await app.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
            Assert.Equal("application/zip", streamed.Content.Headers.ContentType?.MediaType);
            await using (var body = await streamed.Content.ReadAsStreamAsync(ct))
            await using (var file = File.Create(zipPath))
            {
                var buffer = new byte[64 * 1024];
                int read;
                long sinceDelay = 0;
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                    zipBytes += read;
                    sinceDelay += read;
                    if (sinceDelay >= 1 << 20)
                    {
                        sinceDelay = 0;
                        await Task.Delay(20, ct); // slow-ish reader: at most ~50 MB/s, so the app has to wait for the client
                    }
                }
            }

            sampling.Cancel();
            await sampler;
        }

        var growth = peak - baseline;
        output.WriteLine($"zip {zipBytes / 1e6:F1} MB; app RSS before {baseline / 1e6:F1} MB, peak {peak / 1e6:F1} MB, growth {growth / 1e6:F1} MB over {samples} samples");
        Assert.True(samples >= 10, $"only {samples} RSS samples during the download");
        Assert.True(zipBytes > Photos * (long)PhotoBytes, $"the zip is {zipBytes} bytes");
        // Buffering the zip would grow the app by at least its size (~175 MB); streaming keeps a chunk or two in flight.
        Assert.True(growth < zipBytes / 4, $"the app's RSS grew by {growth / 1e6:F1} MB while streaming a {zipBytes / 1e6:F1} MB zip");

        using var zip = ZipFile.OpenRead(zipPath);
        Assert.Equal(Photos, zip.Entries.Count);
        foreach (var entry in zip.Entries)
        {
            var index = int.Parse(entry.FullName["photo-".Length..^".jpg".Length], CultureInfo.InvariantCulture);
            await using var content = await entry.OpenAsync(ct);
            using var copy = new MemoryStream();
            await content.CopyToAsync(copy, ct);
            Assert.True(originals[index].AsSpan().SequenceEqual(copy.ToArray()), $"{entry.FullName} differs from the upload");
        }

        await app.KillAsync();
        Directory.Delete(folder, recursive: true);
        Directory.Delete(Path.GetDirectoryName(zipPath)!, recursive: true);
    }

    /// <summary>The JPEG with COM segments right after SOI, distinct per <paramref name="index"/>, until it is <paramref name="size"/> bytes long.</summary>
    private static byte[] Padded(byte[] jpeg, int index, int size)
    {
        var random = new Random(index);
        using var result = new MemoryStream(size);
        result.Write(jpeg, 0, 2);
        var remaining = size - jpeg.Length;
        while (remaining > 4)
        {
            var payload = Math.Min(65_533, remaining - 4);
            var bytes = new byte[payload];
            random.NextBytes(bytes);
            result.Write([0xFF, 0xFE, (byte)((payload + 2) >> 8), (byte)(payload + 2)]);
            result.Write(bytes);
            remaining -= payload + 4;
        }

        result.Write(jpeg, 2, jpeg.Length - 2);
        return result.ToArray();
    }

    /// <summary>VmRSS from /proc/&lt;pid&gt;/status.</summary>
    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
