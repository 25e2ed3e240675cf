using System.Diagnostics;
using ImagePipeline.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ImagePipeline.Tests.Browser;

/// <summary>Whole-library import: 500 photos chosen in one go, a few sent at a time, the list virtualized, the page responsive.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LibraryImportTests(BrowserFixture fixture, ITestOutputHelper output)
{
    private const int Count = 500;

    [Fact]
    public async Task Five_hundred_photos_in_one_go_all_end_ready_and_a_click_on_another_row_answers_while_they_upload()
    {
        var folder = Directory.CreateTempSubdirectory("library-import-");
        try
        {
            var paths = new string[Count];
            for (var i = 0; i < Count; i++)
            {
                paths[i] = Path.Combine(folder.FullName, $"IMG_{i:0000}.png");
                await File.WriteAllBytesAsync(paths[i], TestImages.DistinctPng(770_000 + i));
            }

            var page = await fixture.NewPageAsync();
            page.Console += (_, message) => { if (message.Type is "error" or "warning") { output.WriteLine($"console {message.Type}: {message.Text}"); } };
            await BrowserFixture.GotoInteractiveAsync(page, "/upload");
            await Expect(page.Locator("[data-testid=drop-zone]")).ToHaveAttributeAsync("data-ready", "true");
            var started = Stopwatch.StartNew();
            await page.Locator("[data-testid=file-input]").SetInputFilesAsync(paths);

            // All queued: no cap on the number of files, none refused.
            var summary = page.Locator("[data-testid=upload-summary]");
            await Expect(summary).ToHaveAttributeAsync("data-files-total", Count.ToString(), new() { Timeout = 60_000 });
            await Expect(page.Locator("[data-testid=upload-item][data-state=rejected]")).ToHaveCountAsync(0);

            // Only the rows in view are in the page.
            var rendered = await page.Locator("[data-testid=upload-item]").CountAsync();
            output.WriteLine($"rows in the DOM with {Count} files: {rendered}");
            Assert.InRange(rendered, 1, 60);

            // While the uploads run, a click on another row (cancel a queued file) answers; the time is measured, not asserted.
            var queued = page.Locator("[data-testid=upload-item][data-state=queued]").First;
            var name = await queued.Locator("h3").GetAttributeAsync("title");
            Assert.NotNull(name);
            var row = page.Locator("[data-testid=upload-item]").Filter(new() { Has = page.Locator($"h3[title='{name}']") });
            var click = Stopwatch.StartNew();
            await row.Locator("button[aria-label^='Cancel upload']").ClickAsync();
            await Expect(row).ToHaveAttributeAsync("data-state", "cancelled");
            click.Stop();
            output.WriteLine($"click on another row to its answer, {Count} files uploading: {click.ElapsedMilliseconds} ms (load average {LoadAverage()})");

            // One click sends the cancelled file again.
            await page.Locator("[data-testid=retry-failed]").ClickAsync();
            await Expect(summary).ToHaveAttributeAsync("data-files-total", Count.ToString());

            await Expect(summary).ToHaveAttributeAsync("data-files-done", Count.ToString(), new() { Timeout = 600_000 });
            await Expect(summary).ToHaveAttributeAsync("data-percent", "100");
            output.WriteLine($"all {Count} uploaded after {started.Elapsed.TotalSeconds:0.0} s");
            await Expect(summary).ToHaveAttributeAsync("data-ready", Count.ToString(), new() { Timeout = 600_000 });
            await Expect(summary).ToHaveAttributeAsync("data-failed", "0");
            await Expect(page.Locator("[data-testid=overall-bar] [role=progressbar], [data-testid=overall-bar][role=progressbar]").First)
                .ToHaveAttributeAsync("aria-valuenow", "100");
            output.WriteLine($"all {Count} ready after {started.Elapsed.TotalSeconds:0.0} s (load average {LoadAverage()})");

            // A refresh keeps everything the server received: the rows come back from the server.
            await page.ReloadAsync();
            await page.Locator("[data-interactive=true]").WaitForAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"{Count} files" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(page.Locator("[data-testid=upload-item]").First).ToHaveAttributeAsync("data-state", "stored");
            await page.Context.CloseAsync();
        }
        catch
        {
            output.WriteLine(string.Join('\n', fixture.App.Output.Split('\n').Where(l => l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("Exception", StringComparison.Ordinal) || l.TrimStart().StartsWith("at ", StringComparison.Ordinal)).TakeLast(40)));
            throw;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
