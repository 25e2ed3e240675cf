using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Tests.Support;
using ImagePipeline.Web.Api;
using ImagePipeline.Web.Components.Shared;
using ImagePipeline.Web.Components.Upload;

namespace ImagePipeline.Tests.Components;

public sealed class ImageUploadProgressTests : ComponentTestHost
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public void Shows_the_byte_progress_while_uploading()
    {
        var entry = new UploadEntry { Key = "k1", FileName = "beach.jpg", Size = 2_500_000, Phase = UploadPhase.Uploading, Percent = 42 };

        var cut = Render<ImageUploadProgress>(p => p.Add(c => c.Entry, entry));

        Assert.Equal("uploading", cut.Find("[data-testid=upload-item]").GetAttribute("data-state"));
        Assert.Contains("beach.jpg", cut.Markup);
        Assert.Contains("2.4 MB", cut.Markup);
        Assert.Contains("Uploading 42%", cut.Markup);
        Assert.NotNull(cut.Find("button[aria-label='Cancel upload of beach.jpg']"));
    }

    [Fact]
    public void Shows_why_a_file_was_refused()
    {
        var entry = new UploadEntry { Key = "k2", FileName = "notes.txt", Size = 10, Phase = UploadPhase.Rejected, Error = "Not a supported image", ErrorDetail = "(text/plain)" };

        var cut = Render<ImageUploadProgress>(p => p.Add(c => c.Entry, entry));

        Assert.Equal("rejected", cut.Find("[data-testid=upload-item]").GetAttribute("data-state"));
        Assert.Contains("Not a supported image", cut.Find("[data-testid=upload-error]").TextContent);
    }

    [Fact]
    public void A_duplicate_links_to_the_image_already_in_the_gallery()
    {
        var id = Guid.NewGuid();
        var entry = new UploadEntry { Key = "k3", FileName = "again.jpg", Size = 10, Phase = UploadPhase.Uploaded, ImageId = id, Duplicate = true };

        var cut = Render<ImageUploadProgress>(p => p.Add(c => c.Entry, entry));

        Assert.Equal("duplicate", cut.Find("[data-testid=upload-item]").GetAttribute("data-state"));
        Assert.Contains("Already in your gallery", cut.Markup);
        Assert.Equal($"/?image={id}", cut.Find("a").GetAttribute("href"));
    }

    [Fact]
    public async Task Moves_from_uploaded_through_processing_to_ready_as_events_arrive()
    {
        await PauseRunnerAsync();
        var upload = await UploadAsync(Photo(), "landscape.jpg");
        var entry = new UploadEntry { Key = "k4", FileName = "landscape.jpg", Size = upload.Size, Phase = UploadPhase.Uploaded, ImageId = upload.ImageId };

        var cut = Render<ImageUploadProgress>(p => p.Add(c => c.Entry, entry));
        cut.WaitForAssertion(() => Assert.Equal("ingested", State(cut)), Patience);
        Assert.Contains("Uploaded", cut.Markup);

        await Events.PublishAsync(new ImageStatusChangedEvent(upload.ImageId, ImageStatus.Processing, DateTime.UtcNow));
        cut.WaitForAssertion(() => Assert.Equal("processing", State(cut)), Patience);
        Assert.Equal("false", cut.Find("[data-testid=job-thumbnail]").GetAttribute("data-done"));
        Assert.Equal("false", cut.Find("[data-testid=job-preview]").GetAttribute("data-done"));

        await Events.PublishAsync(new JobStatusChangedEvent(Guid.NewGuid(), upload.ImageId, JobType.Preview, JobStatus.Completed, 1, null, DateTime.UtcNow));
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find("[data-testid=job-preview]").GetAttribute("data-done")), Patience);
        Assert.Equal("false", cut.Find("[data-testid=job-thumbnail]").GetAttribute("data-done"));

        await ResumeRunnerAsync();
        cut.WaitForAssertion(() => Assert.Equal("stored", State(cut)), Patience);
        var thumbnail = cut.Find("img.upload-thumb");
        Assert.StartsWith($"/api/images/{upload.ImageId}/thumbnail?v=", thumbnail.GetAttribute("src"));
        Assert.Equal("Thumbnail of landscape.jpg", thumbnail.GetAttribute("alt"));
        Assert.Contains("Ready", cut.Markup);
    }

    [Fact]
    public async Task A_change_pushed_while_the_first_read_is_in_flight_is_not_undone_by_that_read()
    {
        await PauseRunnerAsync();
        var upload = await UploadAsync(Photo(), "race.jpg");
        var gate = new GatedContexts(App.Services.GetRequiredService<IDbContextFactory<PipelineDbContext>>());
        Services.AddSingleton(new ImageReads(new ImageQueries(gate)));
        var entry = new UploadEntry { Key = "k7", FileName = "race.jpg", Size = upload.Size, Phase = UploadPhase.Uploaded, ImageId = upload.ImageId };

        var cut = Render<ImageUploadProgress>(p => p.Add(c => c.Entry, entry));
        await gate.Waiting.WaitAsync(Patience); // the component's read of the image (still INGESTED) is now in flight
        await Events.PublishAsync(new ImageStatusChangedEvent(upload.ImageId, ImageStatus.Processing, DateTime.UtcNow));
        await Events.PublishAsync(new JobStatusChangedEvent(Guid.NewGuid(), upload.ImageId, JobType.Preview, JobStatus.Completed, 1, null, DateTime.UtcNow));
        cut.WaitForAssertion(() => Assert.Equal("processing", State(cut)), Patience);

        var renders = cut.RenderCount;
        gate.Open();
        cut.WaitForState(() => gate.Served && cut.RenderCount > renders, Patience); // the read has been applied and rendered
        Assert.Equal("processing", State(cut));
        Assert.Equal("false", cut.Find("[data-testid=job-thumbnail]").GetAttribute("data-done"));
        Assert.Equal("true", cut.Find("[data-testid=job-preview]").GetAttribute("data-done"));
    }

    /// <summary>Holds every context request until <see cref="Open"/>, so a test can act while a read is in flight.</summary>
    private sealed class GatedContexts(IDbContextFactory<PipelineDbContext> inner) : IDbContextFactory<PipelineDbContext>
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SemaphoreSlim Waiting { get; } = new(0);

        public bool Served { get; private set; }

        public void Open() => _open.TrySetResult();

        public PipelineDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<PipelineDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
        {
            Waiting.Release();
            await _open.Task.WaitAsync(cancellationToken);
            var context = await inner.CreateDbContextAsync(cancellationToken);
            Served = true;
            return context;
        }
    }

    [Fact]
    public async Task A_failed_image_shows_the_reason_and_retry_queues_it_again()
    {
        // A valid PNG header passes intake; there are no pixels, so decoding fails for good.
        var upload = await UploadAsync(TestImages.PngHeaderOnly(64, 48), "broken.png");
        var entry = new UploadEntry { Key = "k5", FileName = "broken.png", Size = upload.Size, Phase = UploadPhase.Uploaded, ImageId = upload.ImageId };

        var cut = Render<ImageUploadProgress>(p => p.Add(c => c.Entry, entry));
        cut.WaitForAssertion(() => Assert.Equal("failed", State(cut)), Patience);
        var reason = cut.Find("[data-testid=upload-error]").TextContent;
        Assert.StartsWith("Failed:", reason.Trim());
        Assert.True(reason.Trim().Length > "Failed:".Length + 3, $"no reason in '{reason}'");

        // The image is FAILED as soon as one job fails for good; let the other job finish too, then pause.
        await WaitUntilSettledAsync(upload.ImageId);
        await PauseRunnerAsync();
        cut.WaitForAssertion(() => Assert.Equal("failed", State(cut)), Patience);
        await ClickAsync(cut, c => c.FindAll("button").Single(b => b.TextContent.Contains("Retry", StringComparison.Ordinal)));
        using var db = App.CreateDbContext();
        cut.WaitForAssertion(() => Assert.NotEqual("failed", State(cut)), Patience);
        Assert.Contains(db.Jobs.Where(j => j.ImageId == upload.ImageId).Select(j => j.Status).ToList(), s => s == JobStatus.Pending);
    }

    [Fact]
    public async Task Ignores_events_about_other_images()
    {
        await PauseRunnerAsync();
        var upload = await UploadAsync(Photo(), "mine.jpg");
        var entry = new UploadEntry { Key = "k6", FileName = "mine.jpg", Size = upload.Size, Phase = UploadPhase.Uploaded, ImageId = upload.ImageId };
        var cut = Render<ImageUploadProgress>(p => p.Add(c => c.Entry, entry));
        cut.WaitForAssertion(() => Assert.Equal("ingested", State(cut)), Patience);

        await Events.PublishAsync(new ImageStatusChangedEvent(Guid.NewGuid(), ImageStatus.Failed, DateTime.UtcNow));

        Assert.Equal("ingested", State(cut));
    }

    private async Task WaitUntilSettledAsync(Guid imageId)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            using var db = App.CreateDbContext();
            if (!db.Jobs.Any(j => j.ImageId == imageId && (j.Status == JobStatus.Pending || j.Status == JobStatus.Processing)))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The jobs never settled.");
    }

    private static string? State(IRenderedComponent<ImageUploadProgress> cut) =>
        cut.Find("[data-testid=upload-item]").GetAttribute("data-state");
}
