using Bunit;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Images;
using ImagePipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Components;
using ImagePipeline.Web.Components.Pages;
using MudBlazor;

namespace ImagePipeline.Tests.Components;

public sealed class GalleryPageTests : ComponentTestHost
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _sql;

    public GalleryPageTests()
        : this(new LibraryQueryRecorder())
    {
    }

    private GalleryPageTests(LibraryQueryRecorder recorder)
        : base(services: (services, app) => services.AddSingleton(new TimelineQueries(RecordingContexts.For(app, recorder))))
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true)); // a circuit; one test prerenders
        _sql = recorder.Commands;
    }

    [Fact]
    public void An_empty_gallery_says_so_and_points_to_upload()
    {
        Render<MudPopoverProvider>();
        var cut = Render<GalleryPage>();

        cut.WaitForAssertion(() => Assert.Contains("Your gallery is empty", cut.Markup), Patience);
        Assert.Contains(cut.FindAll("a"), a => a.GetAttribute("href") == "/upload");
    }

    [Fact]
    public async Task Prerendering_renders_the_first_screen_with_one_small_query_and_the_circuit_reads_the_library_once()
    {
        var upload = await UploadAsync(Photo(), "sunset.jpg");
        var sql = _sql;
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        Render<MudPopoverProvider>();
        var prerender = Render<GalleryPage>();

        // The prerendered HTML holds the first screen's tiles under their headings, read with one bounded query.
        prerender.WaitForElement($"[data-image-id='{upload.ImageId}']", Patience);
        Assert.NotEmpty(prerender.FindAll("[data-testid='timeline-day']"));
        Assert.Empty(prerender.FindAll("[data-testid='gallery-loading']"));
        var first = Assert.Single(sql);
        Assert.Contains("LIMIT", first, StringComparison.OrdinalIgnoreCase);

        // The circuit (no first screen handed over in this test) reads the whole library: one unbounded query.
        sql.Clear();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var circuit = Render<GalleryPage>();
        circuit.WaitForElement($"[data-image-id='{upload.ImageId}']", Patience);
        circuit.WaitForAssertion(() => Assert.Contains("1 image", circuit.Markup), Patience);
        var library = Assert.Single(sql);
        Assert.DoesNotContain("LIMIT", library, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The app's database, through a context that records each timeline list query.</summary>
    private sealed class RecordingContexts(DbContextOptions<PipelineDbContext> options) : IDbContextFactory<PipelineDbContext>
    {
        public static RecordingContexts For(PipelineAppFactory app, LibraryQueryRecorder recorder)
        {
            var options = app.Services.GetRequiredService<DbContextOptions<PipelineDbContext>>();
            return new(new DbContextOptionsBuilder<PipelineDbContext>(options).AddInterceptors(recorder).Options);
        }

        public PipelineDbContext CreateDbContext() => new(options);
    }

    private sealed class LibraryQueryRecorder : DbCommandInterceptor
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Commands { get; } = new();

        public override ValueTask<InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(
            System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<System.Data.Common.DbDataReader> result,
            CancellationToken cancellationToken = default)
        {
            // The timeline's list (ordered; not FindAsync's single-photo read that live status events cause).
            if (command.CommandText.Contains("FROM \"Images\"", StringComparison.Ordinal) && command.CommandText.Contains("ORDER BY", StringComparison.Ordinal))
            {
                Commands.Enqueue(command.CommandText);
            }

            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    [Fact]
    public async Task A_processing_placeholder_turns_into_its_thumbnail_when_stored()
    {
        await PauseRunnerAsync();
        Render<MudPopoverProvider>();
        var cut = Render<GalleryPage>();
        cut.WaitForAssertion(() => Assert.Contains("Your gallery is empty", cut.Markup), Patience);

        var upload = await UploadAsync(Photo(), "sunset.jpg");

        var tile = cut.WaitForElement($"[data-image-id='{upload.ImageId}']", Patience);
        Assert.Equal("ingested", tile.GetAttribute("data-state"));
        Assert.Empty(tile.QuerySelectorAll("img"));
        Assert.Contains("Processing", tile.TextContent);

        await ResumeRunnerAsync();
        cut.WaitForAssertion(() =>
        {
            var stored = cut.Find($"[data-image-id='{upload.ImageId}']");
            Assert.Equal("stored", stored.GetAttribute("data-state"));
            var img = stored.QuerySelector("img");
            Assert.NotNull(img);
            Assert.StartsWith($"/api/images/{upload.ImageId}/thumbnail?v=", img.GetAttribute("src"));
            Assert.Equal("lazy", img.GetAttribute("loading"));
            Assert.Equal("sunset.jpg", img.GetAttribute("alt"));
        }, Patience);
    }
}
