using Bunit;
using ImagePipeline.Web.Components.Pages;
using MudBlazor;

namespace ImagePipeline.Tests.Components;

public sealed class GalleryPageTests : ComponentTestHost
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public void An_empty_gallery_says_so_and_points_to_upload()
    {
        Render<MudPopoverProvider>();
        var cut = Render<GalleryPage>();

        cut.WaitForAssertion(() => Assert.Contains("Your gallery is empty", cut.Markup), Patience);
        Assert.Contains(cut.FindAll("a"), a => a.GetAttribute("href") == "/upload");
    }

    [Fact]
    public async Task A_processing_placeholder_turns_into_its_thumbnail_when_stored()
    {
        await PauseRunnerAsync();
        Render<MudPopoverProvider>();
        var cut = Render<GalleryPage>();
        cut.WaitForAssertion(() => Assert.Contains("Your gallery is empty", cut.Markup), Patience);

        var upload = await UploadAsync(Photo(), "sunset.jpg");

        var tile = cut.WaitForElement($"[data-image-id='{upload.ImageId}']", Patience);
        Assert.Equal("ingested", tile.GetAttribute("data-state"));
        Assert.Empty(tile.QuerySelectorAll("img"));
        Assert.Contains("Processing", tile.TextContent);

        await ResumeRunnerAsync();
        cut.WaitForAssertion(() =>
        {
            var stored = cut.Find($"[data-image-id='{upload.ImageId}']");
            Assert.Equal("stored", stored.GetAttribute("data-state"));
            var img = stored.QuerySelector("img");
            Assert.NotNull(img);
            Assert.StartsWith($"/api/images/{upload.ImageId}/thumbnail?v=", img.GetAttribute("src"));
            Assert.Equal("lazy", img.GetAttribute("loading"));
            Assert.Equal("sunset.jpg", img.GetAttribute("alt"));
        }, Patience);
    }
}
