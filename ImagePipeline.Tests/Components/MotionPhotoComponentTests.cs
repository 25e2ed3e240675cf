using Bunit;
using ImagePipeline.Core.Images;
using ImagePipeline.Web.Api;
using ImagePipeline.Web.Components.Gallery;

namespace ImagePipeline.Tests.Components;

/// <summary>A motion photo's badge on its tile and its clip in the viewer, played only on demand.</summary>
public sealed class MotionPhotoComponentTests : ComponentTestHost
{
    [Fact]
    public void The_tile_shows_a_motion_badge_only_for_a_motion_photo()
    {
        var motion = Render<GalleryTile>(p => p.Add(t => t.Image, Dto(video: true)));
        var still = Render<GalleryTile>(p => p.Add(t => t.Image, Dto(video: false)));

        Assert.Single(motion.FindAll("[data-testid=motion-badge]"));
        Assert.Contains("(motion photo)", motion.Find("button").GetAttribute("title"), StringComparison.Ordinal);
        Assert.Empty(still.FindAll("[data-testid=motion-badge]"));
    }

    [Fact]
    public void The_viewer_plays_the_clip_on_demand_and_stops_on_another_image()
    {
        var image = Dto(video: true);
        var cut = Render<ImageViewer>(p => p.Add(v => v.Image, image));
        Assert.Empty(cut.FindAll("video"));
        Assert.Single(cut.FindAll("[data-testid=viewer-preview]"));

        cut.Find("[data-testid=viewer-play]").Click();

        // MudButton runs its click handler asynchronously: wait for the re-render instead of racing it (it lost once under CI load).
        var video = cut.WaitForElement("[data-testid=viewer-video]", TimeSpan.FromSeconds(10));
        Assert.Equal(image.VideoUrl, video.GetAttribute("src"));
        Assert.Empty(cut.FindAll("[data-testid=viewer-preview]"));

        cut.Render(p => p.Add(v => v.Image, Dto(video: true)));
        Assert.Empty(cut.FindAll("video"));

        var still = Render<ImageViewer>(p => p.Add(v => v.Image, Dto(video: false)));
        Assert.Empty(still.FindAll("[data-testid=viewer-play]"));
    }

    private static ImageDto Dto(bool video)
    {
        var id = Guid.NewGuid();
        var url = $"/api/images/{id}";
        return new ImageDto(id, "PXL_0001.MP.jpg", "image/jpeg", "JPEG", 1000, 4000, 3000, null, null, null, null, null,
            ImageStatus.Stored, DateTime.UtcNow, DateTime.UtcNow, $"{url}/original", $"{url}/thumbnail?v=1", $"{url}/preview?v=1", null,
            video ? $"{url}/video" : null);
    }
}
