using ImagePipeline.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImagePipeline.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class UploadFlowTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Two_photos_become_ready_and_show_in_the_gallery_and_a_corrupt_file_shows_why()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/upload");
        await Expect(page.Locator("[data-testid=drop-zone]")).ToHaveAttributeAsync("data-ready", "true");
        await fixture.ScreenshotAsync(page, "upload-empty-light");

        var corrupt = new byte[4096];
        new Random(7).NextBytes(corrupt);
        await page.Locator("[data-testid=file-input]").SetInputFilesAsync(new[]
        {
            Payload("exif-landscape_2.jpg", "image/jpeg"),
            Payload("exif-landscape_3.jpg", "image/jpeg"),
            new FilePayload { Name = "corrupt.jpg", MimeType = "image/jpeg", Buffer = corrupt },
        });

        var items = page.Locator("[data-testid=upload-item]");
        await Expect(items).ToHaveCountAsync(3);
        var corruptItem = items.Filter(new() { HasText = "corrupt.jpg" });
        await Expect(corruptItem).ToHaveAttributeAsync("data-state", "rejected");
        await Expect(corruptItem.Locator("[data-testid=upload-error]")).ToContainTextAsync("image");

        var ready = page.Locator("[data-testid=upload-item][data-state=stored]");
        await Expect(ready).ToHaveCountAsync(2, new() { Timeout = 60_000 });
        foreach (var thumb in await ready.Locator("img").AllAsync())
        {
            await Expect(thumb).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("/api/images/.+/thumbnail\\?v="));
            // The thumbnail actually loads (the src may have just been set: wait for it, fail on timeout).
            await page.WaitForFunctionAsync("img => img.complete && img.naturalWidth > 0", await thumb.ElementHandleAsync());
        }

        await fixture.ScreenshotAsync(page, "upload-done-light");
        var ids = await ready.EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.imageId)");

        await BrowserFixture.GotoInteractiveAsync(page, "/");
        foreach (var id in ids)
        {
            var tile = page.Locator($"[data-testid=gallery-tile][data-image-id='{id}']");
            await Expect(tile).ToHaveAttributeAsync("data-state", "stored");
            await tile.ScrollIntoViewIfNeededAsync();
            await Expect(tile.Locator("img")).ToBeVisibleAsync();
            await page.WaitForFunctionAsync("id => { const i = document.querySelector(`[data-image-id='${id}'] img`); return i && i.complete && i.naturalWidth > 0; }", id);
        }

        await fixture.ScreenshotAsync(page, "gallery-light");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_refresh_during_processing_keeps_the_list_and_stays_live()
    {
        await fixture.App.SetRunnerPausedAsync(true);
        try
        {
            var page = await fixture.NewPageAsync();
            await BrowserFixture.GotoInteractiveAsync(page, "/upload");
            await Expect(page.Locator("[data-testid=drop-zone]")).ToHaveAttributeAsync("data-ready", "true");
            await page.Locator("[data-testid=file-input]").SetInputFilesAsync(new[] { Payload("exif-landscape_4.jpg", "image/jpeg") });
            var item = page.Locator("[data-testid=upload-item]");
            await Expect(item).ToHaveAttributeAsync("data-state", "ingested");

            await page.ReloadAsync();
            await page.Locator("[data-interactive=true]").WaitForAsync();
            await Expect(item).ToHaveCountAsync(1);
            await Expect(item).ToHaveAttributeAsync("data-state", "ingested");
            await Expect(item).ToContainTextAsync("exif-landscape_4.jpg");

            await fixture.App.SetRunnerPausedAsync(false);
            await Expect(item).ToHaveAttributeAsync("data-state", "stored", new() { Timeout = 60_000 });
            await page.Context.CloseAsync();
        }
        finally
        {
            await fixture.App.SetRunnerPausedAsync(false);
        }
    }

    [Fact]
    public async Task A_HEIC_is_refused_on_the_page_before_sending_with_the_format_named()
    {
        var page = await fixture.NewPageAsync();
        var uploads = 0;
        page.Request += (_, request) => uploads += request.Url.Contains("/api/upload", StringComparison.Ordinal) ? 1 : 0;
        await BrowserFixture.GotoInteractiveAsync(page, "/upload");
        await Expect(page.Locator("[data-testid=drop-zone]")).ToHaveAttributeAsync("data-ready", "true");

        // Named .jpg and typed image/jpeg: the page goes by the bytes, as the server does.
        var heic = Payload("path-256x160.heic", "image/jpeg");
        heic.Name = "IMG_0042.jpg";
        await page.Locator("[data-testid=file-input]").SetInputFilesAsync(new[] { heic, Payload("path-256x160.avif", "image/avif") });

        var items = page.Locator("[data-testid=upload-item]");
        await Expect(items).ToHaveCountAsync(2);
        var heicItem = items.Filter(new() { HasText = "IMG_0042.jpg" });
        await Expect(heicItem).ToHaveAttributeAsync("data-state", "rejected");
        await Expect(heicItem.Locator("[data-testid=upload-error]")).ToContainTextAsync("This is a HEIC photo, which is not supported yet. Export it as JPEG");
        var avifItem = items.Filter(new() { HasText = "path-256x160.avif" });
        await Expect(avifItem.Locator("[data-testid=upload-error]")).ToContainTextAsync("This is an AVIF image");
        Assert.Equal(0, uploads);
        await page.Context.CloseAsync();
    }

    private static FilePayload Payload(string name, string mimeType) =>
        new() { Name = name, MimeType = mimeType, Buffer = File.ReadAllBytes(TestPaths.Image(name)) };
}
