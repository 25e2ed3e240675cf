using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Tests.Hosting;
using ImagePipeline.Tests.Support;
using Xunit.Abstractions;

namespace ImagePipeline.Tests.Reliability;

/// <summary>
/// The data directory on a small filesystem (a tmpfs the test mounts when it runs as root; otherwise the app's own
/// free-space headroom, Pipeline:Upload:MinFreeBytes, stands in): uploads get 507 with a clear message, nothing is
/// half-written, processing failures are retryable, and everything works again once space is freed.
/// </summary>
[Collection(PublishedBinaryCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class DiskFullTests(PublishedBinaryFixture binary, ITestOutputHelper output)
{
    [Fact]
    public async Task A_full_disk_gives_507_keeps_nothing_half_written_and_recovers_when_space_is_freed()
    {
        var ct = CancellationToken.None;
        var folder = binary.NewInstallFolder();
        var disk = Path.Combine(folder, "disk");
        Directory.CreateDirectory(disk);
        var mounted = Environment.UserName == "root" && Run("mount", $"-t tmpfs -o size=40m tmpfs {disk}") == 0;
        output.WriteLine(mounted ? "data directory on a 40 MB tmpfs" : "not root: the app's free-space headroom stands in for a full disk");
        try
        {
            var data = Path.Combine(disk, "data");
            var filler = Path.Combine(disk, "filler.bin");
            var environment = new Dictionary<string, string>
            {
                ["Pipeline__DataDirectory"] = data,
                ["Pipeline__Upload__MinFreeBytes"] = mounted ? "0" : long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Pipeline__Runner__MaxAttempts"] = "2",
                ["Pipeline__Runner__LeaseDuration"] = "00:00:05",
            };
            var photo = await File.ReadAllBytesAsync(TestPaths.Image("path-2560x1600.jpg"), ct);
            var accepted = new List<Guid>();
            var probe = new DataDirectoryProbe(data);

            await using (var app = await RunningApp.StartAsync(folder, environment, ct))
            {
                if (mounted)
                {
                    // Leave a few MB, then upload until the disk is full.
                    var free = new DriveInfo(disk).AvailableFreeSpace;
                    await File.WriteAllBytesAsync(filler, new byte[free - (6 * 1024 * 1024)], ct);
                }

                HttpResponseMessage? full = null;
                for (var i = 0; i < 40 && full is null; i++)
                {
                    var response = await PipelineApiClient.UploadAsync(app.Client, JpegVariants.WithComment(photo, $"disk-full {i}"), $"p{i}.jpg", ct);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        accepted.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("imageId").GetGuid());
                    }
                    else
                    {
                        full = response;
                    }
                }

                Assert.NotNull(full);
                Assert.Equal(HttpStatusCode.InsufficientStorage, full.StatusCode);
                var problem = await full.Content.ReadFromJsonAsync<JsonElement>(ct);
                Assert.Contains("out of disk space", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
                output.WriteLine($"{accepted.Count} upload(s) accepted before the 507");

                // Nothing half-written: every row has its whole original, no original without a row, and once the runner's
                // attempts on the full disk have ended (they write previews through temp files too), no temp file.
                Assert.Equal(accepted.Count, probe.Count("SELECT COUNT(*) FROM Images"));
                Assert.Equal(accepted.Count, probe.Files("originals").Count);
                Assert.All(probe.Files("originals"), f => Assert.InRange(new FileInfo(f).Length, photo.Length + 4, photo.Length + 64));
                var settled = DateTime.UtcNow.AddSeconds(20);
                while (probe.TempFiles().Count > 0 && DateTime.UtcNow < settled)
                {
                    await Task.Delay(100, ct);
                }

                Assert.Empty(probe.TempFiles());

                // Space comes back: failed jobs retry to STORED and uploads work again.
                if (mounted)
                {
                    File.Delete(filler);
                }
            }

            environment["Pipeline__Upload__MinFreeBytes"] = "0";
            await using (var app = await RunningApp.StartAsync(folder, environment, ct))
            {
                // A job the first app was still running when it stopped may end FAILED in this one (its last attempt, taken over
                // after the lease), so the admin's "retry failed" is repeated until every image is back.
                var clock = Stopwatch.StartNew();
                foreach (var id in accepted)
                {
                    var status = "";
                    while (status != "STORED" && clock.Elapsed < TimeSpan.FromSeconds(120))
                    {
                        await app.Client.PostAsync("api/admin/jobs/retry-failed", null, ct);
                        try
                        {
                            status = await PipelineApiClient.WaitForStatusAsync(app.Client, id, TimeSpan.FromSeconds(5), ct, "STORED");
                        }
                        catch (TimeoutException)
                        {
                            status = "";
                        }
                    }

                    Assert.Equal("STORED", status);
                }

                var again = await PipelineApiClient.UploadNewAsync(app.Client, JpegVariants.WithComment(photo, "after the cleanup"), "after.jpg", ct);
                Assert.Equal("STORED", await PipelineApiClient.WaitForStatusAsync(app.Client, again, TimeSpan.FromSeconds(60), ct, "STORED"));
                output.WriteLine($"all {accepted.Count + 1} images STORED {clock.ElapsedMilliseconds} ms after space was freed");
            }
        }
        finally
        {
            if (mounted)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Run("umount", $"-l {disk}");
            }
        }
    }

    private static int Run(string file, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
