using System.Text.Json;
using ImagePipeline.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImagePipeline.Tests.Browser;

/// <summary>The gallery as people use it: select with click and shift-click, trash and restore; an album from a selection, shared and revoked.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SelectionTrashAlbumTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Three_photos_selected_with_click_and_shift_click_go_to_the_trash_and_one_comes_back()
    {
        var page = await fixture.NewPageAsync();
        var ids = await UploadAsUserAsync(page, 7101, 3);
        await BrowserFixture.GotoInteractiveAsync(page, "/");

        // Newest first: ids[2], ids[1], ids[0] sit next to each other.
        await Tile(page, ids[2]).HoverAsync();
        await Check(page, ids[2]).ClickAsync();
        await Check(page, ids[0]).ClickAsync(new() { Modifiers = [KeyboardModifier.Shift] });
        await Expect(page.Locator("[data-testid=selection-count]")).ToHaveTextAsync("3 selected");
        await page.Locator("[data-testid=selection-trash]").ClickAsync();
        foreach (var id in ids)
        {
            await Expect(Tile(page, id)).ToHaveCountAsync(0);
        }

        await BrowserFixture.GotoInteractiveAsync(page, "/trash");
        foreach (var id in ids)
        {
            await Expect(Tile(page, id)).ToHaveCountAsync(1);
        }

        await Tile(page, ids[1]).ClickAsync();
        await Expect(page.Locator("[data-testid=selection-count]")).ToHaveTextAsync("1 selected");
        await page.Locator("[data-testid=trash-restore]").ClickAsync();
        await Expect(Tile(page, ids[1])).ToHaveCountAsync(0);
        await Expect(Tile(page, ids[0])).ToHaveCountAsync(1);

        await BrowserFixture.GotoInteractiveAsync(page, "/");
        await Expect(Tile(page, ids[1])).ToHaveCountAsync(1);
        await Expect(Tile(page, ids[0])).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_album_made_from_a_selection_opens_by_its_link_without_signing_in_and_404s_once_revoked()
    {
        var page = await fixture.NewPageAsync();
        var ids = await UploadAsUserAsync(page, 7201, 3); // ids[0] stays out of the album
        await BrowserFixture.GotoInteractiveAsync(page, "/");
        await Tile(page, ids[2]).HoverAsync();
        await Check(page, ids[2]).ClickAsync();
        await Check(page, ids[1]).ClickAsync();
        await Expect(page.Locator("[data-testid=selection-count]")).ToHaveTextAsync("2 selected");
        await page.Locator("[data-testid=selection-add-to-album]").ClickAsync();
        var name = $"Trip {Guid.NewGuid():N}"[..12];
        await page.Locator("[data-testid=album-picker]").GetByLabel("New album").FillAsync(name);
        await page.Locator("[data-testid=new-album-create]").ClickAsync();
        await Expect(page.Locator("[data-testid=selection-bar]")).ToHaveCountAsync(0);

        await BrowserFixture.GotoInteractiveAsync(page, "/albums");
        await page.Locator("[data-testid=album-card]", new() { HasText = name }).ClickAsync();
        await Expect(page.Locator("[data-testid=album-title]")).ToHaveTextAsync(name);
        await Expect(page.Locator("[data-testid=album-grid] [data-testid=gallery-tile]")).ToHaveCountAsync(2);
        await page.Locator("[data-testid=album-share]").ClickAsync();
        await page.Locator("[data-testid=share-create]").ClickAsync();
        var url = await page.Locator("[data-testid=share-url]").TextContentAsync();
        Assert.NotNull(url);

        var stranger = await fixture.NewPageAsync(signIn: false);
        var opened = await stranger.GotoAsync(url);
        Assert.Equal(200, opened!.Status);
        var shown = await stranger.Locator("[data-testid=share-tile]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.imageId)");
        Assert.Equal(new[] { ids[1], ids[2] }.Select(i => i.ToString()).Order(), shown.Order());
        await Expect(stranger.Locator("[data-testid=share-tile] img").First).ToHaveJSPropertyAsync("complete", true);
        await stranger.Locator($"[data-testid=share-tile][data-image-id='{ids[2]}']").ClickAsync();
        await Expect(stranger.Locator($"#p-{ids[2]} [data-testid=share-preview]")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(stranger, "shared-album");
        Assert.DoesNotContain(BrowserFixture.AdminUserName, await stranger.ContentAsync(), StringComparison.OrdinalIgnoreCase);

        await page.Locator("[data-testid=share-revoke]").First.ClickAsync();
        await Expect(page.Locator("[data-testid=share-link]")).ToHaveCountAsync(0);
        var revoked = await stranger.GotoAsync(url);
        Assert.Equal(404, revoked!.Status);
        var thumbnail = await stranger.APIRequest.GetAsync($"{new Uri(url).AbsolutePath.Replace("/s/", "/api/share/", StringComparison.Ordinal)}/images/{ids[2]}/thumbnail");
        Assert.Equal(404, thumbnail.Status);
        await stranger.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    private static ILocator Tile(IPage page, Guid id) => page.Locator($"[data-testid=gallery-tile][data-image-id='{id}']");

    private static ILocator Check(IPage page, Guid id) =>
        page.Locator($".gallery-tile-frame:has([data-image-id='{id}']) [data-testid=tile-check]");

    /// <summary>Uploads distinct photos as the signed-in user (albums take only their owner's photos), one by one, and waits until they are ready.</summary>
    private async Task<List<Guid>> UploadAsUserAsync(IPage page, int firstSeed, int count)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var form = page.APIRequest.CreateFormData();
            form.Set("file", new FilePayload { Name = $"pick-{firstSeed + i}.png", MimeType = "image/png", Buffer = TestImages.DistinctPng(firstSeed + i) });
            var response = await page.APIRequest.PostAsync("/api/upload", new() { Multipart = form });
            Assert.True(response.Ok, $"upload answered {response.Status}");
            var body = JsonDocument.Parse(await response.TextAsync()).RootElement;
            ids.Add(body.GetProperty("imageId").GetGuid());
            await Task.Delay(20); // distinct upload times keep the order newest first
        }

        foreach (var id in ids)
        {
            await fixture.App.WaitForStatusAsync(id, "STORED");
        }

        return ids;
    }
}
