using Bunit;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Images;
using ImagePipeline.Tests.Support;
using ImagePipeline.Web.Components.Pages;
using ImagePipeline.Web.Components.Upload;

namespace ImagePipeline.Tests.Components;

public sealed class UploadPageTests : ComponentTestHost
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly string PngHead = Convert.ToBase64String(TestImages.DistinctPng(1).AsSpan(0, 64));

    private BunitJSModuleInterop Module { get; }

    public UploadPageTests()
    {
        Module = JSInterop.SetupModule("./js/upload.js");
        Module.Mode = JSRuntimeMode.Loose;
    }

    private static ChosenFile[] Pngs(int count, string prefix = "k") =>
        [.. Enumerable.Range(0, count).Select(i => new ChosenFile($"{prefix}{i}", $"Holiday/IMG_{i:0000}.png", 1000 + i, "image/png", PngHead))];

    private IRenderedComponent<UploadPage> RenderPage()
    {
        var cut = Render<UploadPage>();
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=drop-zone]").GetAttribute("data-ready")), Patience);
        return cut;
    }

    [Fact]
    public async Task Six_hundred_files_are_all_queued_with_no_cap_and_only_the_visible_rows_render()
    {
        var cut = RenderPage();

        var accepted = await cut.InvokeAsync(() => cut.Instance.FilesAdded(Pngs(600)));

        Assert.Equal(600, accepted.Length);
        cut.WaitForAssertion(() => Assert.Equal("600", cut.Find("[data-testid=upload-summary]").GetAttribute("data-files-total")));
        Assert.Empty(cut.FindAll("[data-testid=upload-item][data-state=rejected]"));
        var rows = cut.FindAll("[data-testid=upload-item]").Count;
        Assert.True(rows < 600, $"the list renders only the rows in view, not {rows}");
        Assert.Contains("600 files", cut.Find("h2").TextContent);
    }

    [Fact]
    public async Task The_overall_bar_counts_ready_images_from_live_events_and_duplicates_as_skipped()
    {
        var cut = RenderPage();
        await cut.InvokeAsync(() => cut.Instance.FilesAdded(Pngs(3)));
        var stored = Guid.NewGuid();

        await cut.InvokeAsync(() => cut.Instance.Uploaded("k0", stored, duplicate: false));
        await cut.InvokeAsync(() => cut.Instance.Uploaded("k1", Guid.NewGuid(), duplicate: true));
        await cut.InvokeAsync(() => cut.Instance.Progress("k2", 50));
        var summary = () => cut.Find("[data-testid=upload-summary]");
        cut.WaitForAssertion(() => Assert.Equal("1", summary().GetAttribute("data-ready")));
        Assert.Equal("2", summary().GetAttribute("data-files-done"));
        Assert.Equal("false", summary().GetAttribute("data-finished"));

        await Events.PublishAsync(new ImageStatusChangedEvent(stored, ImageStatus.Stored, DateTime.UtcNow) { OwnerId = "someone" });
        await cut.InvokeAsync(() => cut.Instance.Uploaded("k2", Guid.NewGuid(), duplicate: true));

        cut.WaitForAssertion(() => Assert.Equal("3", summary().GetAttribute("data-ready")), Patience);
        Assert.Equal("100", summary().GetAttribute("data-percent"));
        Assert.Equal("true", summary().GetAttribute("data-finished"));
    }

    [Fact]
    public async Task A_late_ingested_event_does_not_take_a_ready_photo_back_to_waiting()
    {
        // The intake publishes INGESTED after its commit; a runner already draining can claim, process and publish STORED first.
        var cut = RenderPage();
        await cut.InvokeAsync(() => cut.Instance.FilesAdded(Pngs(2)));
        var summary = () => cut.Find("[data-testid=upload-summary]");
        var early = Guid.NewGuid();
        var late = Guid.NewGuid();
        var ingestedAt = DateTime.UtcNow;

        // Before the upload's answer reaches the page.
        await Events.PublishAsync(new ImageStatusChangedEvent(early, ImageStatus.Processing, ingestedAt.AddMilliseconds(5)) { OwnerId = "someone" });
        await Events.PublishAsync(new ImageStatusChangedEvent(early, ImageStatus.Stored, ingestedAt.AddMilliseconds(40)) { OwnerId = "someone" });
        await Events.PublishAsync(new ImageStatusChangedEvent(early, ImageStatus.Ingested, ingestedAt) { OwnerId = "someone" });
        await cut.InvokeAsync(() => cut.Instance.Uploaded("k0", early, duplicate: false));

        // After it.
        await cut.InvokeAsync(() => cut.Instance.Uploaded("k1", late, duplicate: false));
        await Events.PublishAsync(new ImageStatusChangedEvent(late, ImageStatus.Stored, ingestedAt.AddMilliseconds(40)) { OwnerId = "someone" });
        await Events.PublishAsync(new ImageStatusChangedEvent(late, ImageStatus.Ingested, ingestedAt) { OwnerId = "someone" });

        cut.WaitForAssertion(() => Assert.Equal("2", summary().GetAttribute("data-ready")), Patience);
        Assert.Equal("true", summary().GetAttribute("data-finished"));
    }

    [Fact]
    public async Task Cancel_all_cancels_every_queued_file_in_one_click_and_retry_failed_is_offered()
    {
        var cut = RenderPage();
        await cut.InvokeAsync(() => cut.Instance.FilesAdded(Pngs(5)));
        Assert.False(cut.Find("[data-testid=cancel-all]").HasAttribute("disabled"));
        Assert.True(cut.Find("[data-testid=retry-failed]").HasAttribute("disabled"));

        await cut.Find("[data-testid=cancel-all]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.True(cut.Find("[data-testid=cancel-all]").HasAttribute("disabled")));
        Assert.False(cut.Find("[data-testid=retry-failed]").HasAttribute("disabled"));
        Assert.Empty(cut.FindAll("[data-testid=upload-summary]"));
        Assert.Contains("5 files", cut.Find("h2").TextContent);
    }

    [Fact]
    public async Task After_a_refresh_the_rows_come_back_from_the_server_and_unknown_ids_are_dropped()
    {
        await PauseRunnerAsync();
        var upload = await UploadAsync(TestImages.DistinctPng(4242), "kept.png");
        Module.Setup<SavedUpload[]?>("loadSession", _ => true).SetResult(
        [
            new SavedUpload(upload.ImageId, "Trip/kept.png", 1, false),
            new SavedUpload(Guid.NewGuid(), "gone.png", 1, false),
        ]);

        var cut = RenderPage();

        cut.WaitForAssertion(() => Assert.Contains("1 file", cut.Find("h2").TextContent), Patience);
        Assert.DoesNotContain("gone.png", cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=upload-summary]"));
    }
}
