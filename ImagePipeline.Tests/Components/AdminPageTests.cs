using Bunit;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Tests.Support;
using ImagePipeline.Web.Components.Pages;
using MudBlazor;

namespace ImagePipeline.Tests.Components;

public sealed class AdminPageTests : ComponentTestHost
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Count_tiles_and_table_follow_the_queue_live()
    {
        await PauseRunnerAsync();
        Render<MudPopoverProvider>();
        var cut = Render<AdminPage>();
        cut.WaitForAssertion(() => Assert.Equal("0", Count(cut, JobStatus.Pending)), Patience);
        // The page's first render comes before its first query answers: wait for the state it loaded.
        cut.WaitForAssertion(() => Assert.Contains("Processing paused", cut.Find("[data-testid=runner-state]").TextContent), Patience);

        await UploadAsync(Photo(), "one.jpg");

        cut.WaitForAssertion(() => Assert.Equal("2", Count(cut, JobStatus.Pending)), Patience);
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=job-details-button]").Count), Patience);

        await ResumeRunnerAsync();
        cut.WaitForAssertion(() => Assert.Equal("2", Count(cut, JobStatus.Completed)), Patience);
        Assert.Equal("0", Count(cut, JobStatus.Pending));
        Assert.Contains("COMPLETED", cut.Find("table").TextContent);
    }

    [Fact]
    public async Task The_detail_panel_shows_a_failed_jobs_error_and_retry_requeues_it()
    {
        Render<MudPopoverProvider>();
        var cut = Render<AdminPage>();
        await UploadAsync(TestImages.PngHeaderOnly(40, 30), "broken.png");
        cut.WaitForAssertion(() => Assert.Equal("2", Count(cut, JobStatus.Failed)), Patience);

        await PauseRunnerAsync();
        await ClickAsync(cut, c => c.FindAll("[data-testid=job-details-button]")[0]);
        var error = cut.WaitForElement("[data-testid=job-last-error]", Patience);
        Assert.False(string.IsNullOrWhiteSpace(error.TextContent));
        Assert.Contains("Stack trace", cut.Find("[data-testid=job-detail]").TextContent);

        await ClickAsync(cut, c => c.Find("[data-testid=job-detail]").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Retry"));

        cut.WaitForAssertion(() => Assert.Equal("1", Count(cut, JobStatus.Failed)), Patience);
        Assert.Equal("1", Count(cut, JobStatus.Pending));
    }

    [Fact]
    public void Originals_kept_in_lost_and_found_are_listed_and_the_section_is_absent_without_them()
    {
        Render<MudPopoverProvider>();
        Assert.Empty(Render<AdminPage>().FindAll("[data-testid=lost-and-found]"));

        var folder = Path.Combine(App.DataDirectory, "lost+found");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "0195f1c2a3b44c5d8e9f0a1b2c3d4e5f.jpg"), new byte[2048]);

        var cut = Render<AdminPage>();
        var section = cut.WaitForElement("[data-testid=lost-and-found]", Patience);
        Assert.Contains("lost+found/0195f1c2a3b44c5d8e9f0a1b2c3d4e5f.jpg", section.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_row_shows_its_image_by_thumbnail_and_file_name_and_links_to_it()
    {
        Render<MudPopoverProvider>();
        var cut = Render<AdminPage>();
        var upload = await UploadAsync(Photo(), "harbour at dusk.jpg");
        cut.WaitForAssertion(() => Assert.Equal("2", Count(cut, JobStatus.Completed)), Patience);

        cut.WaitForAssertion(() =>
        {
            var images = cut.FindAll("[data-testid=job-image]");
            Assert.Equal(2, images.Count);
            Assert.All(images, image =>
            {
                Assert.Equal($"/?image={upload.ImageId}", image.GetAttribute("href"));
                Assert.Equal("harbour at dusk.jpg", image.TextContent.Trim());
                Assert.StartsWith($"/api/images/{upload.ImageId}/thumbnail", image.QuerySelector("img")?.GetAttribute("src"), StringComparison.Ordinal);
            });
        }, Patience);
    }

    private static string? Count(IRenderedComponent<AdminPage> cut, JobStatus status) =>
        cut.Find($"[data-testid=count-{status.ToString().ToLowerInvariant()}]").GetAttribute("data-count");
}
