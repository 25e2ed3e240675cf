using ImagePipeline.Tests.Api;
using ImagePipeline.Tests.Support;

namespace ImagePipeline.Tests.Jobs;

/// <summary>One wake-up path: an enqueue fires the runner at once, and a preview's thumbnail follows in the same drain — no poll needed.</summary>
public sealed class WakeupTests : IDisposable
{
    // An hour between polls: only the start-up firing and the wake-ups can run anything during this test.
    private readonly PipelineAppFactory _app = new(new Dictionary<string, string?> { ["Pipeline:Runner:PollInterval"] = "01:00:00" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Uploads_while_the_runner_is_idle_or_busy_are_STORED_without_waiting_for_a_poll()
    {
        var client = _app.CreateClient();
        var first = await ImagesApiTests.UploadAsync(client, "path-2560x1600.jpg");
        var second = await ImagesApiTests.UploadAsync(client, "cramps.gif");
        var third = await ImagesApiTests.UploadAsync(client, "rgba-alpha.png");

        await ImagesApiTests.WaitForStoredAsync(client, [first, second, third]);
    }
}
