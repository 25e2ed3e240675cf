using System.Text.Json;
using ImagePipeline.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImagePipeline.Tests.Browser;

/// <summary>
/// The viewer as a person uses it: double-click, wheel and keys zoom, a drag pans, the original replaces the preview
/// once zoomed past it, ←/→ move on and reset the zoom; the place (GPS) is shown to the owner and never on a share
/// link, whose page zooms too but loads an original only when the link allows downloads.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ViewerZoomTests(BrowserFixture fixture)
{
    private const string Transform = "() => { const m = new DOMMatrix(document.querySelector('[data-testid=viewer-preview]').style.transform); return [m.a, m.e, m.f]; }";

    [Fact]
    public async Task Zoom_pans_loads_the_original_past_the_preview_and_resets_on_the_next_photo()
    {
        var page = await fixture.NewPageAsync();
        // Taken in 2041: the newest of the shared app's library, next to each other on the timeline.
        var newer = await UploadAsOwnerAsync(page, GpsPhotos.Jpeg(3000, 2000, new DateTime(2041, 5, 2, 12, 0, 0), 1), "zoom-newer.jpg");
        var older = await UploadAsOwnerAsync(page, GpsPhotos.Jpeg(3000, 2000, new DateTime(2041, 5, 1, 12, 0, 0), 2), "zoom-older.jpg");
        var originals = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/original", StringComparison.Ordinal))
            {
                lock (originals)
                {
                    originals.Add(request.Url);
                }
            }
        };

        await BrowserFixture.GotoInteractiveAsync(page, $"/?image={newer}");
        var viewer = page.Locator("[data-testid=viewer]");
        var stage = viewer.Locator("[data-testid=viewer-stage]");
        var preview = viewer.Locator("[data-testid=viewer-preview]");
        await Expect(viewer).ToHaveAttributeAsync("data-image-id", newer.ToString());
        await Expect(preview).ToHaveJSPropertyAsync("complete", true);
        await Expect(stage).ToHaveAttributeAsync("data-zoom-scale", "1.000");

        // The owner sees lens, exposure and the place.
        await Expect(viewer.Locator("[data-testid=viewer-place]")).ToHaveTextAsync(GpsPhotos.Place);
        await Expect(viewer.Locator("[data-testid=viewer-lens]")).ToHaveTextAsync(GpsPhotos.Lens);
        await Expect(viewer.Locator("[data-testid=viewer-exposure]")).ToHaveTextAsync(GpsPhotos.Exposure);
        // Fitted, the preview (1600 px) has pixels enough: no original yet.
        Assert.Empty(Snapshot(originals));

        await stage.DblClickAsync();
        await Expect(stage).ToHaveAttributeAsync("data-original-shown", "true");
        var zoomed = await page.EvaluateAsync<double[]>(Transform);
        Assert.True(zoomed[0] > 1, $"scale {zoomed[0]}");
        Assert.Contains(Snapshot(originals), u => u.EndsWith($"/api/images/{newer}/original", StringComparison.Ordinal));
        await Expect(preview).ToHaveAttributeAsync("src", $"/api/images/{newer}/original");
        await fixture.ScreenshotAsync(page, "viewer-zoomed");

        // A drag moves the photo (and keeps it on the stage).
        var box = (await stage.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + (box.Width / 2), box.Y + (box.Height / 2));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + (box.Width / 2) - 150, box.Y + (box.Height / 2) - 80, new() { Steps = 5 });
        await page.Mouse.UpAsync();
        await page.WaitForFunctionAsync("x => new DOMMatrix(document.querySelector('[data-testid=viewer-preview]').style.transform).e !== x", zoomed[1]);
        var panned = await page.EvaluateAsync<double[]>(Transform);
        Assert.Equal(zoomed[0], panned[0], 3);
        Assert.True(panned[1] < zoomed[1] && panned[2] < zoomed[2], $"from ({zoomed[1]}, {zoomed[2]}) to ({panned[1]}, {panned[2]})");

        // → : the next photo, fitted again.
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(viewer).ToHaveAttributeAsync("data-image-id", older.ToString());
        await Expect(stage).ToHaveAttributeAsync("data-zoom-scale", "1.000");
        await Expect(preview).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex($"/api/images/{older}/preview"));
        Assert.Equal(1, (await page.EvaluateAsync<double[]>(Transform))[0]);

        // The wheel zooms in, 0 fits, + zooms in.
        await page.Mouse.MoveAsync(box.X + (box.Width / 2), box.Y + (box.Height / 2));
        await page.Mouse.WheelAsync(0, -400);
        await page.WaitForFunctionAsync("() => new DOMMatrix(document.querySelector('[data-testid=viewer-preview]').style.transform).a > 1");
        await page.Keyboard.PressAsync("0");
        await Expect(stage).ToHaveAttributeAsync("data-zoom-scale", "1.000");
        await page.Keyboard.PressAsync("+");
        await Expect(stage).ToHaveAttributeAsync("data-zoom-scale", "1.500");

        // ← : back, fitted, the preview again (the original comes only when zoomed).
        await page.Keyboard.PressAsync("ArrowLeft");
        await Expect(viewer).ToHaveAttributeAsync("data-image-id", newer.ToString());
        await Expect(stage).ToHaveAttributeAsync("data-zoom-scale", "1.000");
        Assert.Equal(1, (await page.EvaluateAsync<double[]>(Transform))[0]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_share_link_zooms_without_the_place_and_loads_the_original_only_when_downloads_are_allowed()
    {
        var owner = await fixture.NewPageAsync();
        var id = await UploadAsOwnerAsync(owner, GpsPhotos.Jpeg(3000, 2000, new DateTime(2039, 3, 3, 9, 0, 0), 3), "shared-gps.jpg");
        var album = await PostJsonAsync(owner, "/api/albums", new { name = "Zoom share" });
        var albumId = album.GetProperty("id").GetGuid();
        var added = await owner.APIRequest.PutAsync($"/api/albums/{albumId}/images", new() { DataObject = new { ids = new[] { id } } });
        Assert.True(added.Ok, await added.TextAsync());
        var closed = (await PostJsonAsync(owner, $"/api/albums/{albumId}/links", new { allowDownload = false })).GetProperty("url").GetString()!;
        var open = (await PostJsonAsync(owner, $"/api/albums/{albumId}/links", new { allowDownload = true })).GetProperty("url").GetString()!;
        await owner.Context.CloseAsync();

        // Without downloads: zoom works on the preview, and the original is never asked for.
        var (stranger, originals) = await OpenSharedAsync(new Uri(closed).AbsolutePath, id);
        await fixture.ScreenshotAsync(stranger, "shared-fit");
        var stage = stranger.Locator($"#p-{id} [data-testid=share-stage]");
        await stage.DblClickAsync();
        await stranger.WaitForFunctionAsync($"() => Number(document.querySelector('#p-{id} [data-testid=share-stage]').dataset.zoomScale) > 1");
        var box = (await stage.BoundingBoxAsync())!;
        await stranger.Mouse.MoveAsync(box.X + (box.Width / 2), box.Y + (box.Height / 2));
        await stranger.Mouse.WheelAsync(0, -600);
        await stranger.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.Empty(Snapshot(originals));
        await Expect(stage.Locator("img")).Not.ToHaveAttributeAsync("data-original", new System.Text.RegularExpressions.Regex("."));
        // No place, no EXIF: nothing of where the photo was taken.
        var html = await stranger.ContentAsync();
        Assert.DoesNotContain("48.85", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Place", html, StringComparison.Ordinal);
        await fixture.ScreenshotAsync(stranger, "shared-zoomed");
        // The page's own wiring (whether the original may replace the preview) is not part of the link's JSON.
        var json = await (await stranger.APIRequest.GetAsync(new Uri(closed).AbsolutePath.Replace("/s/", "/api/share/", StringComparison.Ordinal))).TextAsync();
        Assert.Contains(id.ToString(), json, StringComparison.Ordinal);
        Assert.DoesNotContain("zoomOriginal", json, StringComparison.OrdinalIgnoreCase);
        await stranger.Context.CloseAsync();

        // With downloads: zoomed past the preview, the original replaces it.
        var (guest, guestOriginals) = await OpenSharedAsync(new Uri(open).AbsolutePath, id);
        var guestStage = guest.Locator($"#p-{id} [data-testid=share-stage]");
        await guestStage.DblClickAsync();
        await Expect(guestStage).ToHaveAttributeAsync("data-original-shown", "true");
        Assert.Contains(Snapshot(guestOriginals), u => u.EndsWith($"/images/{id}/original", StringComparison.Ordinal));
        Assert.DoesNotContain("48.85", await guest.ContentAsync(), StringComparison.Ordinal);
        await guest.Context.CloseAsync();
    }

    [Fact]
    public async Task Two_fingers_pinch_to_zoom_and_a_double_tap_fits_again()
    {
        var context = await fixture.Browser.NewContextAsync(new()
        {
            BaseURL = fixture.App.BaseUrl,
            HasTouch = true,
            ViewportSize = new() { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page);
        var id = await UploadAsOwnerAsync(page, GpsPhotos.Jpeg(3000, 2000, new DateTime(2038, 7, 7, 7, 0, 0), 5), "pinch.jpg");
        await BrowserFixture.GotoInteractiveAsync(page, $"/?image={id}");
        var stage = page.Locator("[data-testid=viewer-stage]");
        await Expect(page.Locator("[data-testid=viewer-preview]")).ToHaveJSPropertyAsync("complete", true);
        await Expect(stage).ToHaveAttributeAsync("data-zoom-scale", "1.000");

        var box = (await stage.BoundingBoxAsync())!;
        var (cx, cy) = (box.X + (box.Width / 2), box.Y + (box.Height / 2));
        var cdp = await context.NewCDPSessionAsync(page);
        Task Touch(string type, params (double X, double Y)[] points) => cdp.SendAsync("Input.dispatchTouchEvent", new Dictionary<string, object>
        {
            ["type"] = type,
            ["touchPoints"] = points.Select((p, i) => new Dictionary<string, object> { ["x"] = p.X, ["y"] = p.Y, ["id"] = i }).ToArray(),
        });

        // Fingers 100 px apart spread to 300 px: three times closer.
        await Touch("touchStart", (cx - 50, cy), (cx + 50, cy));
        for (var step = 1; step <= 5; step++)
        {
            await Touch("touchMove", (cx - 50 - (20 * step), cy), (cx + 50 + (20 * step), cy));
        }

        await Touch("touchEnd");
        await page.WaitForFunctionAsync("() => Number(document.querySelector('[data-testid=viewer-stage]').dataset.zoomScale) > 2.5");
        var pinched = await page.EvaluateAsync<double[]>(Transform);
        Assert.InRange(pinched[0], 2.5, 3.5);

        // A double tap goes back to fit.
        for (var tap = 0; tap < 2; tap++)
        {
            await Touch("touchStart", (cx, cy));
            await Touch("touchEnd");
        }

        await Expect(stage).ToHaveAttributeAsync("data-zoom-scale", "1.000");
        await context.CloseAsync();
    }

    private async Task<(IPage Page, List<string> Originals)> OpenSharedAsync(string path, Guid id)
    {
        var page = await fixture.NewPageAsync(signIn: false);
        var originals = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/original", StringComparison.Ordinal))
            {
                lock (originals)
                {
                    originals.Add(request.Url);
                }
            }
        };
        await page.GotoAsync($"{path}#p-{id}");
        var preview = page.Locator($"#p-{id} [data-testid=share-preview]");
        await Expect(preview).ToBeVisibleAsync();
        await Expect(preview).ToHaveJSPropertyAsync("complete", true);
        await Expect(page.Locator($"#p-{id} [data-testid=share-stage]")).ToHaveAttributeAsync("data-zoom-scale", "1.000");
        return (page, originals);
    }

    /// <summary>Uploads as the signed-in admin of <paramref name="page"/> (its cookie), so that user owns the photo.</summary>
    private async Task<Guid> UploadAsOwnerAsync(IPage page, byte[] bytes, string name)
    {
        var form = page.APIRequest.CreateFormData();
        form.Set("file", new FilePayload { Name = name, MimeType = "application/octet-stream", Buffer = bytes });
        var response = await page.APIRequest.PostAsync("/api/upload", new() { Multipart = form });
        Assert.True(response.Ok, await response.TextAsync());
        var id = (await response.JsonAsync())!.Value.GetProperty("imageId").GetGuid();
        await fixture.App.WaitForStatusAsync(id, "STORED");
        return id;
    }

    private static async Task<JsonElement> PostJsonAsync(IPage page, string path, object body)
    {
        var response = await page.APIRequest.PostAsync(path, new() { DataObject = body });
        Assert.True(response.Ok, $"{path}: {response.Status} {await response.TextAsync()}");
        return (await response.JsonAsync())!.Value;
    }

    private static List<string> Snapshot(List<string> urls)
    {
        lock (urls)
        {
            return [.. urls];
        }
    }
}
