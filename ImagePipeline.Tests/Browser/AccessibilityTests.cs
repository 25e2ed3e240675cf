using ImagePipeline.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImagePipeline.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserFixture fixture)
{
    [Theory]
    [InlineData(ColorScheme.Light, "light")]
    [InlineData(ColorScheme.Dark, "dark")]
    public async Task Upload_gallery_and_admin_have_no_serious_axe_violations(ColorScheme scheme, string name)
    {
        var id = await fixture.App.UploadAsync(File.ReadAllBytes(TestPaths.Image("exif-landscape_7.jpg")), "exif-landscape_7.jpg");
        await fixture.App.WaitForStatusAsync(id, "STORED");
        var page = await fixture.NewPageAsync(colorScheme: scheme);

        foreach (var (path, title) in new[] { ("/upload", "Upload"), ("/", "Gallery"), ("/admin", "Admin") })
        {
            await BrowserFixture.GotoInteractiveAsync(page, path);
            await Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex($"^{title}"));
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await fixture.ScreenshotAsync(page, $"{title.ToLowerInvariant()}-{name}");
            await AxeChecks.AssertNoSeriousViolationsAsync(page);
        }

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task At_phone_width_the_pages_fit_without_sideways_scrolling()
    {
        var page = await fixture.NewPageAsync();
        await page.SetViewportSizeAsync(390, 844);
        foreach (var path in new[] { "/upload", "/", "/admin" })
        {
            await BrowserFixture.GotoInteractiveAsync(page, path);
            await Expect(page.Locator("h1")).ToBeInViewportAsync();
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{path} scrolls sideways by {overflow}px");
            await fixture.ScreenshotAsync(page, path == "/" ? "phone-gallery" : $"phone{path.Replace('/', '-')}");
        }

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_unknown_address_shows_the_not_found_page()
    {
        var page = await fixture.NewPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/");
        await page.EvaluateAsync("() => Blazor.navigateTo('/no/such/page')");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Page not found" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
