using System.Diagnostics;
using System.Text;
using ImagePipeline.Tests.Hosting;
using ImagePipeline.Tests.Support;
using Xunit.Abstractions;

namespace ImagePipeline.Tests.Reliability;

/// <summary>
/// What reaches the disk before it is acknowledged, read from the published app's system calls (strace attached to it):
/// the folder of every rename into place is fsynced, and derived assets are fsynced before their job completes.
/// </summary>
[Collection(PublishedBinaryCollection.Name)]
[Trait("Category", "Reliability")]
[Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)] // SQLite's synchronous=FULL and fsyncs
public sealed class DurabilityTests(PublishedBinaryFixture binary, ITestOutputHelper output)
{
    [Fact]
    public async Task An_upload_and_its_assets_are_fsynced_file_and_folder_before_they_count_as_stored()
    {
        var ct = CancellationToken.None;
        var folder = binary.NewInstallFolder();
        var trace = Path.Combine(folder, "fsync.trace");
        // The start-up warm-up logs when it is done: strace attaches after that, when no new threads are being started
        // (strace -p can miss a thread that one not yet attached starts while it attaches, and with it an fsync).
        var warmupLog = new Dictionary<string, string> { ["Logging__LogLevel__ImagePipeline.Core.Processing.CodecWarmup"] = "Debug" };
        await using (var app = await RunningApp.StartAsync(folder, warmupLog, ct))
        {
            var waited = Stopwatch.StartNew();
            while (!app.Output.Contains("Image codecs warmed up", StringComparison.Ordinal) && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50, ct);
            }

            Assert.Contains("Image codecs warmed up", app.Output, StringComparison.Ordinal);
            using var strace = await AttachAsync(app.ProcessId, trace);
            var id = await PipelineApiClient.UploadNewAsync(app.Client, await File.ReadAllBytesAsync(TestPaths.Image("cramps.gif"), ct), "durable.gif", ct);
            Assert.Equal("STORED", await PipelineApiClient.WaitForStatusAsync(app.Client, id, TimeSpan.FromSeconds(60), ct, "STORED", "FAILED"));
            strace.Kill();
            await strace.WaitForExitAsync(ct);
        }

        var syncs = (await File.ReadAllLinesAsync(trace, ct)).Where(l => l.Contains("fsync(", StringComparison.Ordinal) && l.Contains("= 0", StringComparison.Ordinal)).ToList();
        output.WriteLine(string.Join('\n', syncs));
        foreach (var directory in new[] { "originals", "previews", "thumbnails" })
        {
            Assert.Contains(syncs, l => l.Contains($"/data/{directory}>)", StringComparison.Ordinal));
        }

        // The upload and both derived assets are synced while still temp files, before the rename.
        Assert.True(syncs.Count(l => l.Contains(".part>)", StringComparison.Ordinal)) >= 3, "each file should be fsynced before its rename");
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>strace on every thread of the app, writing fsync calls with their paths; returns once it is attached.</summary>
    private static async Task<Process> AttachAsync(int pid, string trace)
    {
        var info = new ProcessStartInfo("strace") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-f", "-y", "-e", "trace=fsync", "-o", trace, "-p", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }

            if (e.Data?.Contains("attached", StringComparison.Ordinal) == true)
            {
                attached.TrySetResult();
            }
        };
        process.BeginErrorReadLine();
        try
        {
            await attached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            process.Kill();
            lock (log)
            {
                throw new InvalidOperationException($"strace did not attach:\n{log}");
            }
        }

        // Attaching to every thread takes a moment after the first one.
        await Task.Delay(500);
        return process;
    }
}
