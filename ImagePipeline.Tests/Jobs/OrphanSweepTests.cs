using ImagePipeline.Core.Storage;
using ImagePipeline.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Tests.Jobs;

/// <summary>The orphan sweep also runs periodically (Quartz), not only at start-up, and keeps originals in lost+found.</summary>
public sealed class OrphanSweepTests : IDisposable
{
    private readonly PipelineAppFactory _app = new(new Dictionary<string, string?> { ["Pipeline:Runner:OrphanSweepInterval"] = "00:00:01" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_running_app_sweeps_orphans_left_after_start_up_deleting_derived_files_and_keeping_originals_in_lost_and_found()
    {
        _ = _app.CreateClient(); // started: the start-up sweep is over
        var id = Guid.NewGuid();
        var preview = Path.Combine(_app.DataDirectory, "previews", $"{id:N}.jpg");
        var original = Path.Combine(_app.DataDirectory, "originals", $"{id:N}.png");
        await File.WriteAllTextAsync(preview, "a preview whose image was deleted while it was made");
        await File.WriteAllTextAsync(original, "an original whose row was lost");
        File.SetLastWriteTimeUtc(preview, DateTime.UtcNow.AddHours(-1));
        File.SetLastWriteTimeUtc(original, DateTime.UtcNow.AddHours(-1));

        var lostAndFound = _app.Services.GetRequiredService<LostAndFound>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((File.Exists(preview) || File.Exists(original)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.False(File.Exists(preview));
        Assert.False(File.Exists(original));
        var kept = Assert.Single(lostAndFound.List());
        Assert.Equal($"lost+found/{id:N}.png", kept.Key);
        Assert.Equal("an original whose row was lost", await File.ReadAllTextAsync(Path.Combine(_app.DataDirectory, kept.Key)));
    }
}
