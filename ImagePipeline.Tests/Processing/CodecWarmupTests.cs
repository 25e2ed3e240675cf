using ImagePipeline.Core.Data;
using ImagePipeline.Core.Processing;
using ImagePipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using ImagePipeline.Core.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Tests.Processing;

/// <summary>
/// The start-up warm-up runs the embedded photo through the intake's inspection and the engine, rehearses a whole upload on a
/// throw-away data directory and primes ImageSharp's pool, in the background, and leaves nothing behind.
/// </summary>
public sealed class CodecWarmupTests
{
    [Fact]
    public async Task Runs_at_start_without_error_and_stores_nothing()
    {
        using var app = new PipelineAppFactory();
        app.CreateClient();
        var warmup = app.Services.GetRequiredService<CodecWarmup>();

        await warmup.Completion.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(warmup.Completion.IsCompletedSuccessfully);
        Assert.Null(warmup.Failure);
        Assert.Equal(2, warmup.Passes); // intake and engine both ran, on an instance that takes uploads and runs jobs
        Assert.Equal(!TestDatabase.IsPostgres, warmup.Rehearsed); // the rehearsal needs SQLite's throw-away database file
        Assert.True(warmup.PoolPrimed);
        // The rehearsal's photo went in through the real upload endpoint (SQLite: the rehearsal runs), and still nothing was stored.
        var frontDoor = Assert.IsType<Web.Hosting.UploadEndpointRehearsal>(app.Services.GetRequiredService<IRehearsalFrontDoor>());
        Assert.Equal(warmup.Rehearsed ? 1 : 0, frontDoor.ThroughEndpoint);
        await AssertNothingStoredAsync(app);
    }

    [Fact]
    public async Task Starts_in_the_background()
    {
        using var app = new PipelineAppFactory();
        app.CreateClient();
        await app.Services.GetRequiredService<CodecWarmup>().Completion.WaitAsync(TimeSpan.FromMinutes(1));
        using var warmup = ActivatorUtilities.CreateInstance<CodecWarmup>(app.Services);

        var starting = warmup.StartAsync(CancellationToken.None);

        Assert.True(starting.IsCompletedSuccessfully); // the host's start (and so the first /health 200) does not wait for it
        await warmup.Completion.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Null(warmup.Failure);
        Assert.Equal(!TestDatabase.IsPostgres, warmup.Rehearsed);
        await warmup.StopAsync(CancellationToken.None);
        await AssertNothingStoredAsync(app);
    }

    [Fact]
    [Trait("Provider", "Sqlite")] // the rehearsal runs on SQLite only (a throw-away database file)
    public async Task Runs_on_when_a_real_upload_arrives_during_the_rehearsal_but_leaves_the_pool_to_it()
    {
        using var app = new PipelineAppFactory();
        app.CreateClient();
        await app.Services.GetRequiredService<CodecWarmup>().Completion.WaitAsync(TimeSpan.FromMinutes(1));
        var standAside = new WarmupStandAside();
        // A real upload "arrives" while the rehearsal's own preview job is being made (after its intake, claim and attempt row).
        var processor = new UploadArrivesDuringPreview(app.Services.GetRequiredService<IImageProcessor>(), standAside);
        using var warmup = ActivatorUtilities.CreateInstance<CodecWarmup>(app.Services, processor, standAside);

        await warmup.StartAsync(CancellationToken.None);
        await warmup.Completion.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(1, processor.PreviewsStarted); // the upload arrived during the rehearsal's preview job
        Assert.Null(warmup.Failure);
        Assert.True(warmup.Rehearsed); // it ran on to the end: on the other core it compiles what the upload needs next
        Assert.True(warmup.PoolLeftToUpload);
        Assert.False(warmup.PoolPrimed); // the real photo faults in its own frame
        await warmup.StopAsync(CancellationToken.None);
        await AssertNothingStoredAsync(app); // the throw-away data directory is gone
    }

    [Fact]
    public async Task The_rehearsal_photo_is_a_3_MP_camera_jpeg_as_the_large_image_paths_need()
    {
        var photo = await CodecWarmup.ReadEmbeddedAsync(UploadRehearsal.ResourceName, CancellationToken.None);

        var info = SixLabors.ImageSharp.Image.Identify(photo, out var format);
        Assert.Equal((UploadRehearsal.Width, UploadRehearsal.Height), (info.Width, info.Height));
        Assert.Equal("image/jpeg", format.DefaultMimeType);
        Assert.NotNull(info.Metadata.ExifProfile); // the camera's EXIF and ICC profile, as a real photo carries them
        Assert.NotNull(info.Metadata.IccProfile);
        Assert.True(UploadRehearsal.Width * UploadRehearsal.Height * 3 > 4 * 1024 * 1024); // past ImageSharp's 4 MB pool block
    }

    [Fact]
    public async Task Takes_the_libvips_shrink_on_load_path_that_large_jpegs_take()
    {
        using var app = new PipelineAppFactory();
        app.CreateClient();
        await app.Services.GetRequiredService<CodecWarmup>().Completion.WaitAsync(TimeSpan.FromMinutes(1));
        var log = new FakeLogger<ImageSharpProcessor>();
        var processor = new ImageSharpProcessor(app.Services.GetRequiredService<IOptions<PipelineOptions>>(), log);
        using var warmup = ActivatorUtilities.CreateInstance<CodecWarmup>(app.Services, (IImageProcessor)processor);

        await warmup.StartAsync(CancellationToken.None);
        await warmup.Completion.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Null(warmup.Failure);
        var shrunk = log.Collector.GetSnapshot().Where(r => r.Id.Name == "ShrunkOnLoad").ToList();
        Assert.NotEmpty(shrunk); // libvips was loaded, set up and its path run before any real photo
        Assert.Contains(shrunk, r => r.Message.StartsWith("JPEG 480 × 300 decoded by libvips", StringComparison.Ordinal)); // the embedded photo
        Assert.Equal((3000, 2000), CodecWarmup.PoolFrame(shrinkOnLoad: true)); // a 24 MP photo's preview frame, decoded at 1/2
        await warmup.StopAsync(CancellationToken.None);
        await AssertNothingStoredAsync(app);
    }

    [Fact]
    public async Task An_upload_tells_the_warmup_it_has_arrived()
    {
        using var app = new PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" });
        var client = app.CreateClient();
        var standAside = app.Services.GetRequiredService<WarmupStandAside>();
        Assert.False(standAside.UploadArrived);

        using var content = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(TestPaths.Image("cramps.gif"))), "file", "a.gif" } };
        using var response = await client.PostAsync("/api/upload", content);

        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        Assert.True(standAside.UploadArrived);
        var warmup = app.Services.GetRequiredService<CodecWarmup>();
        await warmup.Completion.WaitAsync(TimeSpan.FromMinutes(1)); // finished before the upload or after it: either way
        Assert.Null(warmup.Failure);
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(app.DataDirectory, "tmp"), UploadRehearsal.FolderPrefix + "*"));
    }

    /// <summary>The real engine; the first preview-sized resize (the rehearsal's preview job) is when a real upload arrives.</summary>
    private sealed class UploadArrivesDuringPreview(IImageProcessor inner, WarmupStandAside standAside) : IImageProcessor
    {
        private int _previews;

        public int PreviewsStarted => Volatile.Read(ref _previews);

        public string AssetExtension => inner.AssetExtension;

        public string AssetContentType => inner.AssetContentType;

        public Task ResizeAsync(Stream source, Stream output, int maxSize, CancellationToken cancellationToken) =>
            inner.ResizeAsync(source, output, maxSize, cancellationToken);

        public Task<AssetPixels?> ResizeKeepingPixelsAsync(Stream source, Stream output, int maxSize, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _previews) == 1)
            {
                standAside.RealUploadArrived();
            }

            return inner.ResizeKeepingPixelsAsync(source, output, maxSize, cancellationToken);
        }

        public Task ResizeAsync(AssetPixels source, Stream output, int maxSize, CancellationToken cancellationToken) =>
            inner.ResizeAsync(source, output, maxSize, cancellationToken);
    }

    private static async Task AssertNothingStoredAsync(PipelineAppFactory app)
    {
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<PipelineDbContext>>().CreateDbContextAsync())
        {
            Assert.Equal(0, await db.Images.CountAsync());
            Assert.Equal(0, await db.Jobs.CountAsync());
            Assert.Equal(0, await db.JobAttempts.CountAsync());
        }

        var files = Directory.EnumerateFiles(app.DataDirectory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(app.DataDirectory, f))
            .Where(f => !f.StartsWith("pipeline.db", StringComparison.Ordinal) && !f.StartsWith("keys", StringComparison.Ordinal)
                && Path.GetFileName(f) != ".lock") // the database, the data-protection keys and the temp folder's own lock
            .ToList();
        Assert.Empty(files);
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(app.DataDirectory, "tmp"), UploadRehearsal.FolderPrefix + "*"));
    }

    [Fact]
    public async Task An_instance_that_runs_no_jobs_warms_only_the_intake()
    {
        using var app = new PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" });
        app.CreateClient();
        var warmup = app.Services.GetRequiredService<CodecWarmup>();

        await warmup.Completion.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(1, warmup.Passes);
    }

    [Fact]
    public void The_embedded_photo_is_a_camera_like_jpeg()
    {
        using var photo = typeof(CodecWarmup).Assembly.GetManifestResourceStream(CodecWarmup.ResourceName);
        Assert.NotNull(photo);
        var info = SixLabors.ImageSharp.Image.Identify(photo, out var format);
        Assert.Equal("JPEG", format.Name);
        Assert.NotNull(info.Metadata.ExifProfile);
        Assert.NotNull(info.Metadata.IccProfile);
    }
}
