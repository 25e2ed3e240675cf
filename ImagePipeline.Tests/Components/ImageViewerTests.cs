using Bunit;
using ImagePipeline.Core.Images;
using ImagePipeline.Tests.Support;
using ImagePipeline.Web.Api;
using ImagePipeline.Web.Components.Gallery;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Tests.Components;

/// <summary>
/// The viewer's info panel and zoom wiring, signed in as the photos' owner (the bootstrap key's user uploads them):
/// lens, exposure and the place; zoom reset on every move to another photo; the original offered only in a browser format.
/// </summary>
public sealed class ImageViewerOwnerTests() : ComponentTestHost(userId: Web.Accounts.ApiKeyAuthenticationHandler.BootstrapUserId)
{
    [Fact]
    public async Task The_owner_sees_lens_exposure_and_the_place()
    {
        var image = await ImageViewerTestData.UploadAsync(App, Http);
        var cut = Render<ImageViewer>(p => p.Add(v => v.Image, image));

        cut.WaitForAssertion(() => Assert.Equal(GpsPhotos.Place, cut.Find("[data-testid=viewer-place]").TextContent));
        Assert.Equal(GpsPhotos.Lens, cut.Find("[data-testid=viewer-lens]").TextContent);
        Assert.Equal(GpsPhotos.Exposure, cut.Find("[data-testid=viewer-exposure]").TextContent);
        Assert.Contains("TestMaker Model 1", cut.Find("[data-testid=viewer-info]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Moving_to_another_photo_resets_the_zoom_and_offers_its_original_only_in_a_browser_format()
    {
        var module = JSInterop.SetupModule("./js/zoom.js");
        module.SetupModule(invocation => invocation.Identifier == "attach");
        module.SetupVoid("reset").SetVoidResult();
        module.SetupVoid("dispose").SetVoidResult();
        var jpeg = ImageViewerTestData.Dto("image/jpeg");
        var cut = Render<ImageViewer>(p => p.Add(v => v.Image, jpeg));
        Assert.Equal(jpeg.OriginalUrl, cut.Find("[data-testid=viewer-preview]").GetAttribute("data-original"));
        Assert.Equal("4000", cut.Find("[data-testid=viewer-preview]").GetAttribute("data-width"));
        module.VerifyInvoke("attach");
        module.VerifyNotInvoke("reset");

        var tiff = ImageViewerTestData.Dto("image/tiff");
        cut.Render(p => p.Add(v => v.Image, tiff));
        cut.WaitForAssertion(() => module.VerifyInvoke("reset", calledTimes: 1));
        Assert.Null(cut.Find("[data-testid=viewer-preview]").GetAttribute("data-original"));
        Assert.Equal(tiff.ImageId.ToString(), cut.Find("[data-testid=viewer]").GetAttribute("data-image-id"));

        // The same photo again (a re-render, e.g. its status changed): the zoom stays.
        cut.Render(p => p.Add(v => v.Image, tiff with { Status = ImageStatus.Stored }));
        module.VerifyInvoke("reset", calledTimes: 1);
        module.VerifyInvoke("attach", calledTimes: 1);
    }
}

/// <summary>← and → in the gallery page's viewer, opened from a link (<c>/?image=</c>) before the timeline has laid anything out.</summary>
public sealed class GalleryViewerNavigationTests : ComponentTestHost
{
    public GalleryViewerNavigationTests() => SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true)); // a circuit

    [Fact]
    public async Task A_photo_opened_from_its_link_moves_to_its_neighbours_across_the_whole_timeline()
    {
        var ids = new List<Guid>();
        for (var day = 1; day <= 3; day++)
        {
            var bytes = GpsPhotos.Jpeg(120, 80, new DateTime(2030, 1, day, 12, 0, 0), day);
            using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", $"day{day}.jpg" } };
            using var response = await Http.PostAsync("/api/upload", form);
            response.EnsureSuccessStatusCode();
            var body = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content);
            ids.Add(body.GetProperty("imageId").GetGuid());
        }

        // Newest taken first: day 3, day 2, day 1. Open the middle one from its link.
        Render<MudBlazor.MudPopoverProvider>();
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"/?image={ids[1]}");
        var cut = Render<Web.Components.Pages.GalleryPage>();
        var viewer = cut.WaitForElement("[data-testid=viewer]", TimeSpan.FromSeconds(30));
        Assert.Equal(ids[1].ToString(), viewer.GetAttribute("data-image-id"));
        Assert.False(cut.Find("button[aria-label='Next image']").HasAttribute("disabled"));
        Assert.False(cut.Find("button[aria-label='Previous image']").HasAttribute("disabled"));

        cut.Find("button[aria-label='Next image']").Click();
        cut.WaitForAssertion(() => Assert.Equal(ids[0].ToString(), cut.Find("[data-testid=viewer]").GetAttribute("data-image-id")));
        Assert.True(cut.Find("button[aria-label='Next image']").HasAttribute("disabled"));

        cut.Find("[data-testid=viewer]").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "ArrowLeft" });
        cut.Find("[data-testid=viewer]").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "ArrowLeft" });
        cut.WaitForAssertion(() => Assert.Equal(ids[2].ToString(), cut.Find("[data-testid=viewer]").GetAttribute("data-image-id")));
        Assert.True(cut.Find("button[aria-label='Previous image']").HasAttribute("disabled"));
    }

    [Fact]
    public void Neighbours_are_found_in_the_whole_list_and_none_for_a_photo_not_in_it()
    {
        var list = Enumerable.Range(0, 5).Select(_ => ImageViewerTestData.Dto("image/jpeg")).ToList();
        var middle = ViewerNeighbours.Of(list, list[2].ImageId);
        Assert.Equal(list[1], middle.Previous);
        Assert.Equal(list[3], middle.Next);
        Assert.Null(ViewerNeighbours.Of(list, list[0].ImageId).Previous);
        Assert.Null(ViewerNeighbours.Of(list, list[4].ImageId).Next);
        Assert.Equal(default, ViewerNeighbours.Of(list, Guid.NewGuid()));
    }
}

/// <summary>The same photo seen by an admin who is not its owner: everything but the place.</summary>
public sealed class ImageViewerAdminTests() : ComponentTestHost(userId: "another-admin", admin: true)
{
    [Fact]
    public async Task An_admin_who_is_not_the_owner_sees_the_details_but_not_the_place()
    {
        var image = await ImageViewerTestData.UploadAsync(App, Http);
        var cut = Render<ImageViewer>(p => p.Add(v => v.Image, image));

        cut.WaitForAssertion(() => Assert.Equal(GpsPhotos.Lens, cut.Find("[data-testid=viewer-lens]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=viewer-place]"));
        Assert.DoesNotContain("48.85", cut.Markup, StringComparison.Ordinal);
    }
}

internal static class ImageViewerTestData
{
    public static async Task<ImageDto> UploadAsync(PipelineAppFactory app, HttpClient http)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(GpsPhotos.Jpeg(600, 400, new DateTime(2030, 1, 2, 3, 4, 5), 4));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "gps.jpg");
        using var response = await http.PostAsync("/api/upload", form);
        response.EnsureSuccessStatusCode();
        var body = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content);
        var id = body.GetProperty("imageId").GetGuid();
        var image = await app.Services.GetRequiredService<TimelineQueries>().FindAsync(Viewer.System, id, CancellationToken.None);
        return ImageDto.From(image!);
    }

    public static ImageDto Dto(string contentType)
    {
        var id = Guid.NewGuid();
        var url = $"/api/images/{id}";
        return new ImageDto(id, "photo", contentType, null, 1000, 4000, 3000, null, null, null, null, null,
            ImageStatus.Processing, DateTime.UtcNow, DateTime.UtcNow, $"{url}/original", $"{url}/thumbnail?v=1", $"{url}/preview?v=1", null);
    }
}
