using ImagePipeline.Tests.Support;
using ImagePipeline.Web.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace ImagePipeline.Tests.Hosting;

/// <summary>The single binary's clean-up of the folders earlier versions unpacked themselves into (~/.net/ImagePipeline.Web/…).</summary>
public sealed class BundleExtractionJanitorTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    private readonly string _parent = Path.Combine(TestPaths.NewTempDirectory("ip-extract"), "ImagePipeline.Web");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_parent)!, recursive: true);

    [Fact]
    public void Removes_earlier_versions_nobody_runs_and_keeps_the_running_the_recent_and_the_foreign()
    {
        var current = Unpacked("Current1", Now);
        var old = Unpacked("Old11111", Now.AddDays(-3), bytes: 4096);
        var running = Unpacked("Running1", Now.AddDays(-3));
        var recent = Unpacked("Recent11", Now.AddMinutes(-2)); // another version may be starting from it right now
        var foreign = Unpacked("NotOurs1", Now.AddDays(-3), assembly: "Something.Else.dll");

        // An older version still running from its folder holds the lock file (shared); so does this instance.
        using var runningLock = BundleExtractionJanitor.TryHold(running, new FakeTimeProvider(Now.AddDays(-3)));
        using var ownLock = BundleExtractionJanitor.TryHold(current, new FakeTimeProvider(Now));
        Assert.NotNull(runningLock);
        Directory.SetLastWriteTimeUtc(running, Now.AddDays(-3).UtcDateTime);

        var removed = BundleExtractionJanitor.Sweep(current, Now, CancellationToken.None);

        Assert.Equal([old], removed.Select(r => r.Folder));
        Assert.True(removed[0].Bytes >= 4096);
        Assert.False(Directory.Exists(old));
        Assert.All([current, running, recent, foreign], folder => Assert.True(Directory.Exists(folder), folder));
    }

    [Fact]
    public void A_folder_started_from_lately_counts_as_used_however_old_its_files()
    {
        var current = Unpacked("Current1", Now);
        var restarted = Unpacked("Restart1", Now.AddDays(-30));
        using (BundleExtractionJanitor.TryHold(restarted, new FakeTimeProvider(Now.AddMinutes(-5))))
        {
            // held and let go again: the instance stopped five minutes ago
        }

        Directory.SetLastWriteTimeUtc(restarted, Now.AddDays(-30).UtcDateTime);
        Assert.Empty(BundleExtractionJanitor.Sweep(current, Now, CancellationToken.None));
        Assert.Single(BundleExtractionJanitor.Sweep(current, Now.AddMinutes(10), CancellationToken.None));
        Assert.False(Directory.Exists(restarted));
    }

    [Fact]
    public void Does_nothing_when_not_running_from_an_unpacked_single_binary() =>
        Assert.Null(BundleExtractionJanitor.CurrentExtractionDirectory()); // the test host runs beside its assemblies

    private string Unpacked(string bundleId, DateTimeOffset unpackedAt, int bytes = 16, string assembly = "ImagePipeline.Web.dll")
    {
        var folder = Path.Combine(_parent, bundleId);
        Directory.CreateDirectory(Path.Combine(folder, "wwwroot"));
        File.WriteAllBytes(Path.Combine(folder, assembly), new byte[bytes]);
        File.WriteAllBytes(Path.Combine(folder, "wwwroot", "app.css"), new byte[16]);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, unpackedAt.UtcDateTime);
        }

        Directory.SetLastWriteTimeUtc(folder, unpackedAt.UtcDateTime);
        return folder;
    }
}
