using ImagePipeline.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImagePipeline.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class GalleryViewerTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_viewer_moves_with_the_arrow_keys_closes_on_escape_and_moves_to_the_trash()
    {
        var ids = new List<Guid>();
        foreach (var name in new[] { "exif-landscape_5.jpg", "exif-landscape_6.jpg" })
        {
            ids.Add(await fixture.App.UploadAsync(File.ReadAllBytes(TestPaths.Image(name)), name));
        }

        foreach (var id in ids)
        {
            await fixture.App.WaitForStatusAsync(id, "STORED");
        }

        var page = await fixture.NewPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/");
        var newest = ids[^1];
        var older = ids[0];
        await page.Locator($"[data-testid=gallery-tile][data-image-id='{newest}']").ClickAsync();

        var viewer = page.Locator("[data-testid=viewer]");
        await Expect(viewer).ToHaveAttributeAsync("data-image-id", newest.ToString());
        await Expect(viewer.Locator("[data-testid=viewer-preview]")).ToBeVisibleAsync();
        await Expect(viewer).ToContainTextAsync("Dimensions");
        await Expect(viewer.GetByRole(AriaRole.Link, new() { Name = "Download original" })).ToHaveAttributeAsync("href", $"/api/images/{newest}/original");
        await fixture.ScreenshotAsync(page, "viewer-light");

        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(viewer).ToHaveAttributeAsync("data-image-id", older.ToString());
        await page.Keyboard.PressAsync("ArrowLeft");
        await Expect(viewer).ToHaveAttributeAsync("data-image-id", newest.ToString());
        await page.Keyboard.PressAsync("Escape");
        await Expect(viewer).ToHaveCountAsync(0);

        await page.Locator($"[data-testid=gallery-tile][data-image-id='{older}']").ClickAsync();
        await viewer.GetByRole(AriaRole.Button, new() { Name = "Move to trash" }).ClickAsync();

        await Expect(page.Locator($"[data-testid=gallery-tile][data-image-id='{older}']")).ToHaveCountAsync(0);
        await Expect(page.Locator($"[data-testid=gallery-tile][data-image-id='{newest}']")).ToHaveCountAsync(1);
        // In the trash, not gone: restorable until the retention passes.
        var trashed = await fixture.App.Api.GetStringAsync("/api/images?trashed=true&pageSize=500");
        Assert.Contains(older.ToString(), trashed, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }
}
