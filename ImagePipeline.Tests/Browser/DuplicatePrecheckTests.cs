using ImagePipeline.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ImagePipeline.Tests.Browser;

/// <summary>Re-dropping photos the server already has: the page hashes them, asks once, and marks them without sending their bytes.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DuplicatePrecheckTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Files_already_uploaded_are_marked_duplicates_without_posting_them()
    {
        var known = new[] { Png("again-1.png", 880_001), Png("again-2.png", 880_002) };
        var fresh = Png("fresh.png", 880_003);

        // First tab: the two photos are uploaded the usual way.
        var first = await fixture.NewPageAsync();
        await BrowserFixture.GotoInteractiveAsync(first, "/upload");
        await Expect(first.Locator("[data-testid=drop-zone]")).ToHaveAttributeAsync("data-ready", "true");
        await first.Locator("[data-testid=file-input]").SetInputFilesAsync(known);
        await Expect(first.Locator("[data-testid=upload-summary]")).ToHaveAttributeAsync("data-files-done", "2", new() { Timeout = 60_000 });
        await first.Context.CloseAsync();

        // A new tab (nothing remembered in the page): the same two again, and one new photo.
        var page = await fixture.NewPageAsync();
        var uploads = new List<string>();
        var checks = new List<string>();
        page.Request += (_, request) =>
        {
            var path = new Uri(request.Url).AbsolutePath;
            if (request.Method == "POST" && path == "/api/upload")
            {
                lock (uploads)
                {
                    uploads.Add(request.Url);
                }
            }
            else if (request.Method == "POST" && path == "/api/images/exists")
            {
                lock (checks)
                {
                    checks.Add(request.PostData ?? string.Empty);
                }
            }
        };
        await BrowserFixture.GotoInteractiveAsync(page, "/upload");
        await Expect(page.Locator("[data-testid=drop-zone]")).ToHaveAttributeAsync("data-ready", "true");
        Assert.True(await page.EvaluateAsync<bool>("() => isSecureContext && !!crypto.subtle"), "127.0.0.1 is a secure context");
        await page.Locator("[data-testid=file-input]").SetInputFilesAsync([.. known, fresh]);

        var summary = page.Locator("[data-testid=upload-summary]");
        await Expect(page.Locator("[data-testid=upload-item][data-state=duplicate]")).ToHaveCountAsync(2, new() { Timeout = 60_000 });
        await Expect(summary).ToHaveAttributeAsync("data-files-done", "3", new() { Timeout = 60_000 });
        await Expect(page.Locator("[data-testid=upload-item][data-state=duplicate]").First).ToContainTextAsync("Already in your gallery");
        foreach (var name in new[] { "again-1.png", "again-2.png" })
        {
            await Expect(page.Locator("[data-testid=upload-item]").Filter(new() { HasText = name })).ToHaveAttributeAsync("data-state", "duplicate");
        }

        await Expect(summary).ToHaveAttributeAsync("data-ready", "3", new() { Timeout = 60_000 });
        await Expect(summary).ToHaveAttributeAsync("data-percent", "100");
        lock (uploads)
        {
            Assert.Single(uploads); // only the new photo's bytes were sent
        }

        lock (checks)
        {
            var check = Assert.Single(checks); // one question for the batch
            Assert.Contains("\"sha256\"", check, StringComparison.Ordinal);
        }

        await page.Context.CloseAsync();
    }

    private static FilePayload Png(string name, int seed) => new() { Name = name, MimeType = "image/png", Buffer = TestImages.DistinctPng(seed) };
}
