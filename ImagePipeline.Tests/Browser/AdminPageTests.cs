using ImagePipeline.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImagePipeline.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class AdminPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Shows_counts_and_a_failed_jobs_error_and_retry_runs_it_again()
    {
        // A valid PNG header passes intake; with no pixels the decode fails for good.
        var broken = await fixture.App.UploadAsync(TestImages.PngHeaderOnly(90, 60), "no-pixels.png");
        await fixture.App.WaitForStatusAsync(broken, "FAILED");

        var page = await fixture.NewPageAsync();
        await BrowserFixture.GotoInteractiveAsync(page, "/admin");
        var failedTile = page.Locator("[data-testid=count-failed]");
        await Expect(failedTile).Not.ToHaveAttributeAsync("data-count", "0");
        await Expect(page.Locator("[data-testid=count-completed]")).ToBeVisibleAsync();

        await page.GetByLabel("Image id").FillAsync(broken.ToString());
        await page.GetByLabel("Image id").PressAsync("Tab");
        var details = page.Locator("[data-testid=job-details-button]");
        await Expect(details).ToHaveCountAsync(2);
        await details.First.ClickAsync();

        var panel = page.Locator("[data-testid=job-detail]");
        await Expect(panel).ToContainTextAsync("FAILED");
        await Expect(panel.Locator("[data-testid=job-last-error]")).Not.ToBeEmptyAsync();
        await Expect(panel).ToContainTextAsync("Stack trace");
        await Expect(panel.Locator(".mud-timeline-item")).ToHaveCountAsync(1);
        await fixture.ScreenshotAsync(page, "admin-light");

        await panel.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();

        // It runs again (a second attempt on the timeline) and, still having no pixels, fails again.
        await Expect(panel.Locator(".mud-timeline-item")).ToHaveCountAsync(2, new() { Timeout = 60_000 });
        await Expect(panel).ToContainTextAsync("FAILED");
        await page.Context.CloseAsync();
    }
}
