using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Processing;
using ImagePipeline.Core.Storage;
using ImagePipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace ImagePipeline.Tests.Jobs;

public sealed class JobRunnerTests : IDisposable
{
    private readonly string _data = TestPaths.NewTempDirectory();

    public void Dispose()
    {
        TestDatabase.DeleteDataDirectory(_data);
    }

    [Fact]
    public async Task An_upload_becomes_STORED_with_assets_that_fit_their_bounds_and_keep_the_aspect_ratio()
    {
        await using var host = new RunnerHost(_data);
        await host.MigrateAsync();
        var id = await host.IngestAsync(TestPaths.Image("path-2560x1600.jpg"));

        await host.Runner.DrainAsync(CancellationToken.None);

        await using var db = host.CreateDbContext();
        var image = await db.Images.Include(i => i.Jobs).SingleAsync(i => i.Id == id);
        Assert.Equal(ImageStatus.Stored, image.Status);
        Assert.All(image.Jobs, j => Assert.Equal(JobStatus.Completed, j.Status));
        Assert.All(image.Jobs, j => Assert.Null(j.LockedBy));
        var preview = SixLabors.ImageSharp.Image.Identify(Path.Combine(_data, image.PreviewPath!));
        var thumbnail = SixLabors.ImageSharp.Image.Identify(Path.Combine(_data, image.ThumbnailPath!));
        Assert.Equal((1600, 1000), (preview.Width, preview.Height));
        Assert.Equal((320, 200), (thumbnail.Width, thumbnail.Height));
        Assert.Null(preview.Metadata.ExifProfile);
    }

    [Fact]
    public async Task A_job_that_succeeds_throws_no_exception_on_its_way_through_the_queue()
    {
        // The normal path throws nothing. It used to throw three exceptions per job: the lease renewal's cancelled wait (thrown,
        // then rethrown by its await) and EF Core's evaluation of `retryAfter.HasValue` on a null TimeSpan? (reflection on a null
        // target, caught inside EF Core). Only exceptions thrown in this drain's own async flow count, not other tests'.
        await using var host = new RunnerHost(_data);
        await host.MigrateAsync();
        var id = await host.IngestAsync(TestPaths.Image("path-2560x1600.jpg"));
        var thrown = new List<string>();
        var inDrain = new AsyncLocal<bool>();
        void Record(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (inDrain.Value)
            {
                lock (thrown)
                {
                    thrown.Add($"{e.Exception.GetType().Name}: {e.Exception.Message}");
                }
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += Record;
        try
        {
            inDrain.Value = true;
            await host.Runner.DrainAsync(CancellationToken.None);
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Record;
        }

        await using var db = host.CreateDbContext();
        var image = await db.Images.Include(i => i.Jobs).SingleAsync(i => i.Id == id);
        Assert.Equal(ImageStatus.Stored, image.Status);
        Assert.Equal(2, image.Jobs.Count(j => j.Status == JobStatus.Completed));
        Assert.Empty(thrown);
    }

    [Fact]
    public async Task Every_EXIF_orientation_comes_out_upright()
    {
        await using var host = new RunnerHost(_data);
        await host.MigrateAsync();
        var ids = new Dictionary<int, Guid>();
        for (var orientation = 1; orientation <= 8; orientation++)
        {
            ids[orientation] = await host.IngestAsync(TestPaths.Image($"exif-landscape_{orientation}.jpg"));
        }

        await host.Runner.DrainAsync(CancellationToken.None);

        await using var db = host.CreateDbContext();
        using var reference = await LoadPreviewAsync(db, ids[1]);
        for (var orientation = 1; orientation <= 8; orientation++)
        {
            using var preview = await LoadPreviewAsync(db, ids[orientation]);
            Assert.True(preview.Width > preview.Height, $"orientation {orientation} is not landscape: {preview.Width}x{preview.Height}");
            Assert.Equal((reference.Width, reference.Height), (preview.Width, preview.Height));
            // Same upright picture (each file shows its own number, so allow some difference, far below a rotated or mirrored one).
            Assert.True(MeanDifference(reference, preview) < 20, $"orientation {orientation} differs from upright: {MeanDifference(reference, preview):0.0}");
        }

        using var rotated = reference.Clone(x => x.Flip(FlipMode.Horizontal));
        Assert.True(MeanDifference(reference, rotated) > 20, "the similarity check must be able to tell a mirrored picture");
    }

    [Fact]
    public async Task The_original_is_decoded_once_per_image_the_thumbnail_comes_from_the_preview_file_when_an_engine_keeps_no_pixels()
    {
        var calls = new List<(int MaxSize, long SourceLength)>();
        await using var host = new RunnerHost(_data, configure: services =>
            services.AddSingleton<IImageProcessor>(sp => new RecordingProcessor(ActivatorUtilities.CreateInstance<ImageSharpProcessor>(sp), calls)));
        await host.MigrateAsync();
        var id = await host.IngestAsync(TestPaths.Image("autumn-2560x1600-progressive.jpg"));

        await host.Runner.DrainAsync(CancellationToken.None);

        await using var db = host.CreateDbContext();
        var image = await db.Images.SingleAsync(i => i.Id == id);
        Assert.Equal(ImageStatus.Stored, image.Status);
        Assert.Equal(2, calls.Count);
        Assert.Single(calls, c => c.SourceLength == image.SizeBytes);
        Assert.Equal((320, new FileInfo(Path.Combine(_data, image.PreviewPath!)).Length), calls.Single(c => c.MaxSize == 320));
    }

    [Fact]
    public async Task The_thumbnail_is_made_from_the_preview_pixels_the_preview_job_handed_over_without_reading_a_file()
    {
        var calls = new List<string>();
        await using var host = new RunnerHost(_data, configure: services =>
            services.AddSingleton<IImageProcessor>(sp => new PixelRecordingProcessor(ActivatorUtilities.CreateInstance<ImageSharpProcessor>(sp), calls)));
        await host.MigrateAsync();
        var id = await host.IngestAsync(TestPaths.Image("autumn-2560x1600-progressive.jpg"));

        await host.Runner.DrainAsync(CancellationToken.None);

        await using var db = host.CreateDbContext();
        var image = await db.Images.SingleAsync(i => i.Id == id);
        Assert.Equal(ImageStatus.Stored, image.Status);
        Assert.Equal(["file 1600 kept", "pixels 1600x1000 → 320"], calls);
        Assert.Equal(0, host.Services.GetRequiredService<PreviewPixelsHandoff>().Count);

        // The same thumbnail as one made from the preview file (only the preview's JPEG loss apart).
        using var fromPixels = await SixLabors.ImageSharp.Image.LoadAsync<Rgb24>(Path.Combine(_data, image.ThumbnailPath!));
        using var fromFile = new MemoryStream();
        await using (var preview = File.OpenRead(Path.Combine(_data, image.PreviewPath!)))
        {
            await ActivatorUtilities.CreateInstance<ImageSharpProcessor>(host.Services).ResizeAsync(preview, fromFile, 320, CancellationToken.None);
        }

        fromFile.Position = 0;
        using var reference = await SixLabors.ImageSharp.Image.LoadAsync<Rgb24>(fromFile);
        Assert.Equal((reference.Width, reference.Height), (fromPixels.Width, fromPixels.Height));
        Assert.True(MeanDifference(reference, fromPixels) < 3, $"differs from the file-made thumbnail: {MeanDifference(reference, fromPixels):0.00}");
    }

    [Fact]
    public async Task Preview_pixels_are_not_kept_when_the_thumbnail_exists_and_none_stay_held_after_a_drain()
    {
        var calls = new List<string>();
        await using var host = new RunnerHost(_data, configure: services =>
            services.AddSingleton<IImageProcessor>(sp => new PixelRecordingProcessor(ActivatorUtilities.CreateInstance<ImageSharpProcessor>(sp), calls)));
        await host.MigrateAsync();
        var id = await host.IngestAsync(TestPaths.Image("path-2560x1600.jpg"));
        await host.Runner.DrainAsync(CancellationToken.None);

        // Only the preview is made again (it went missing): the thumbnail exists, so nothing is kept for it.
        await using (var db = host.CreateDbContext())
        {
            var image = await db.Images.SingleAsync(i => i.Id == id);
            File.Delete(Path.Combine(_data, image.PreviewPath!));
            await db.Images.Where(i => i.Id == id).ExecuteUpdateAsync(s => s.SetProperty(i => i.PreviewPath, (string?)null));
        }

        calls.Clear();
        var (backfill, _) = await host.Services.GetRequiredService<JobStore>().BackfillAsync(100, CancellationToken.None);
        Assert.Equal(1, backfill.Enqueued);
        await host.Runner.DrainAsync(CancellationToken.None);

        Assert.Equal(["file 1600"], calls);
        Assert.Equal(0, host.Services.GetRequiredService<PreviewPixelsHandoff>().Count);
    }

    [Fact]
    public async Task Memory_is_handed_back_only_once_the_queue_has_stayed_drained_for_the_idle_delay()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = new RunnerHost(_data, time, settings: new Dictionary<string, string?> { ["Pipeline:Runner:IdleTrimDelay"] = "00:00:10" });
        await host.MigrateAsync();
        await host.IngestAsync(TestPaths.Image("path-2560x1600.jpg"));
        await host.Runner.DrainAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(9));

        // Another photo before the delay is up: its drain calls the pending trim off, and the delay starts again after it.
        await host.IngestAsync(TestPaths.Image("exif-landscape_1.jpg"));
        await host.Runner.DrainAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(200);
        Assert.Equal(0, host.Runner.Trims);

        // A poll that finds nothing to do does not call the trim off.
        await host.Runner.DrainAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(2));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (host.Runner.Trims == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(1, host.Runner.Trims);

        // A poll after the trim finds nothing and schedules nothing; the one follow-up trim comes SecondTrimAfter later, and
        // then no more for an idle queue.
        await host.Runner.DrainAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(20));
        await Task.Delay(200);
        Assert.Equal(1, host.Runner.Trims);
        time.Advance(JobRunner.SecondTrimAfter - TimeSpan.FromSeconds(20));
        await WaitForTrimsAsync(host, 2);
        time.Advance(TimeSpan.FromMinutes(5));
        await Task.Delay(200);
        Assert.Equal(2, host.Runner.Trims);
    }

    [Fact]
    public async Task The_trash_purge_and_the_orphan_sweep_of_an_idle_app_hand_memory_back_after_the_idle_delay()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = new RunnerHost(_data, time, settings: new Dictionary<string, string?> { ["Pipeline:Runner:IdleTrimDelay"] = "00:00:10" });
        await host.MigrateAsync();

        // No batch has run: the purge alone schedules the trim, on the same idle delay.
        await new TrashPurgeQuartzJob(host.Services.GetRequiredService<TrashPurger>(), host.Runner).Execute(null!, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(200);
        Assert.Equal(0, host.Runner.Trims);
        time.Advance(TimeSpan.FromSeconds(2));
        await WaitForTrimsAsync(host, 1);

        var sweep = new OrphanSweepQuartzJob(host.Services.GetRequiredService<OrphanFileSweeper>(), host.Runner, NullLogger<OrphanSweepQuartzJob>.Instance);
        await sweep.Execute(null!, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(11));
        await WaitForTrimsAsync(host, 2);
    }

    private static async Task WaitForTrimsAsync(RunnerHost host, int expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (host.Runner.Trims < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(expected, host.Runner.Trims);
    }

    [Fact]
    public void The_handoff_holds_a_few_previews_at_most_and_gives_each_once()
    {
        using var handoff = new PreviewPixelsHandoff();
        var ids = Enumerable.Range(0, PreviewPixelsHandoff.Capacity + 2).Select(_ => Guid.NewGuid()).ToList();
        var offered = new List<AssetPixels>();
        foreach (var id in ids)
        {
            var pixels = NewPixels();
            offered.Add(pixels);
            handoff.Offer(id, pixels);
        }

        Assert.Equal(PreviewPixelsHandoff.Capacity, handoff.Count);
        Assert.Null(handoff.Take(ids[0]));
        Assert.Null(handoff.Take(ids[1]));
        Assert.Throws<ObjectDisposedException>(() => offered[0].Width);
        using (var taken = handoff.Take(ids[^1]))
        {
            Assert.Same(offered[^1], taken);
        }

        Assert.Null(handoff.Take(ids[^1]));
        handoff.Clear();
        Assert.Equal(0, handoff.Count);
        Assert.Throws<ObjectDisposedException>(() => offered[2].Width);
    }

    private static AssetPixels NewPixels()
    {
        using var source = new MemoryStream();
        using (var image = new Image<Rgb24>(64, 48))
        {
            image.SaveAsPng(source);
        }

        source.Position = 0;
        var processor = new ImageSharpProcessor(Microsoft.Extensions.Options.Options.Create(new Core.Configuration.PipelineOptions()));
        return processor.ResizeKeepingPixelsAsync(source, Stream.Null, 1600, CancellationToken.None).GetAwaiter().GetResult()!;
    }

    private sealed class PixelRecordingProcessor(IImageProcessor inner, List<string> calls) : IImageProcessor
    {
        public string AssetExtension => inner.AssetExtension;

        public string AssetContentType => inner.AssetContentType;

        public Task ResizeAsync(Stream source, Stream output, int maxSize, CancellationToken cancellationToken)
        {
            Record($"file {maxSize}");
            return inner.ResizeAsync(source, output, maxSize, cancellationToken);
        }

        public Task<AssetPixels?> ResizeKeepingPixelsAsync(Stream source, Stream output, int maxSize, CancellationToken cancellationToken)
        {
            Record($"file {maxSize} kept");
            return inner.ResizeKeepingPixelsAsync(source, output, maxSize, cancellationToken);
        }

        public Task ResizeAsync(AssetPixels source, Stream output, int maxSize, CancellationToken cancellationToken)
        {
            Record($"pixels {source.Width}x{source.Height} → {maxSize}");
            return inner.ResizeAsync(source, output, maxSize, cancellationToken);
        }

        private void Record(string call)
        {
            lock (calls)
            {
                calls.Add(call);
            }
        }
    }

    private sealed class RecordingProcessor(IImageProcessor inner, List<(int, long)> calls) : IImageProcessor
    {
        public string AssetExtension => inner.AssetExtension;

        public string AssetContentType => inner.AssetContentType;

        public Task ResizeAsync(Stream source, Stream output, int maxSize, CancellationToken cancellationToken)
        {
            lock (calls)
            {
                calls.Add((maxSize, source.Length));
            }

            return inner.ResizeAsync(source, output, maxSize, cancellationToken);
        }
    }

    private async Task<Image<Rgb24>> LoadPreviewAsync(Core.Data.PipelineDbContext db, Guid id)
    {
        var image = await db.Images.SingleAsync(i => i.Id == id);
        Assert.Equal(ImageStatus.Stored, image.Status);
        return await SixLabors.ImageSharp.Image.LoadAsync<Rgb24>(Path.Combine(_data, image.PreviewPath!));
    }

    private static double MeanDifference(Image<Rgb24> a, Image<Rgb24> b)
    {
        long sum = 0;
        for (var y = 0; y < a.Height; y += 4)
        {
            for (var x = 0; x < a.Width; x += 4)
            {
                var p = a[x, y];
                var q = b[x, y];
                sum += Math.Abs(p.R - q.R) + Math.Abs(p.G - q.G) + Math.Abs(p.B - q.B);
            }
        }

        return sum / (3.0 * (a.Height / 4) * (a.Width / 4));
    }
}
