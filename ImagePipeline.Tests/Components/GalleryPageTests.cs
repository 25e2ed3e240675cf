using Bunit;
using Microsoft.AspNetCore.Components;
using ImagePipeline.Web.Components.Pages;
using MudBlazor;

namespace ImagePipeline.Tests.Components;

public sealed class GalleryPageTests : ComponentTestHost
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public GalleryPageTests() => SetRendererInfo(new RendererInfo("Server", isInteractive: true)); // a circuit; one test prerenders

    [Fact]
    public void An_empty_gallery_says_so_and_points_to_upload()
    {
        Render<MudPopoverProvider>();
        var cut = Render<GalleryPage>();

        cut.WaitForAssertion(() => Assert.Contains("Your gallery is empty", cut.Markup), Patience);
        Assert.Contains(cut.FindAll("a"), a => a.GetAttribute("href") == "/upload");
    }

    [Fact]
    public async Task Prerendering_loads_nothing_so_the_circuit_loads_the_library_once()
    {
        var upload = await UploadAsync(Photo(), "sunset.jpg");
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        Render<MudPopoverProvider>();
        var cut = Render<GalleryPage>();

        // Had the prerender queried the library, its tiles would be here, and the circuit would query it again.
        cut.WaitForElement("[data-testid='gallery-loading']", Patience);
        Assert.Empty(cut.FindAll($"[data-image-id='{upload.ImageId}']"));
        Assert.DoesNotContain("Your gallery is empty", cut.Markup);
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
