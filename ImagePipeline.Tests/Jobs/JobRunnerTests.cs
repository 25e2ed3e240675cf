using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Processing;
using ImagePipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task The_original_is_decoded_once_per_image_the_thumbnail_comes_from_the_preview()
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
