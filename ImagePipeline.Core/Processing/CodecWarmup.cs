using System.Diagnostics;
using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp.PixelFormats;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// Right after start, in the background, runs a small embedded photo through what an upload runs: the intake's inspection
/// (sniffing, EXIF, the scan for the image's end, motion-photo search) where uploads are taken, and a preview and a thumbnail
/// where jobs run — so that code is compiled before the first real photo arrives. Without it the first photos after a start
/// cost 2–3× the steady state (docs/benchmarks.md, "Cold start"). It begins when the host starts this service (the database
/// migrated: <see cref="Data.DatabaseStartup"/> starts first) and runs beside the rest of the start-up on the other core, so a
/// photo sent the instant <c>/health</c> answers finds more of its path compiled: on the idle 2-core machine photo 1 then took
/// 388 ms instead of 463, and the first <c>/health</c> came no later (1010 against 1043 ms, docs/benchmarks.md "Cold start").
/// Only the runner's wake-up waits for the host to have started (Quartz). Then a rehearsal of a whole 3 MP upload → STORED on a
/// throw-away data directory (<see cref="UploadRehearsal"/>: EF Core's queries, commands and change tracking, the runner,
/// the large-image paths), and, where jobs run, ImageSharp's pool filled with the frame a 24 MP photo's preview is decoded into, already
/// faulted in. Nothing is stored: no row, no file, no event, no metric.
/// </summary>
public sealed partial class CodecWarmup(
    IImageProcessor processor,
    IAssetStorage storage,
    IDbContextFactory<PipelineDbContext> contexts,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    IEnumerable<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor> interceptors,
    IOptions<PipelineOptions> options,
    WarmupStandAside standAside,
    IRehearsalFrontDoor frontDoor,
    IRunnerWakeup wakeup,
    ILogger<CodecWarmup> logger) : IHostedService, IDisposable
{
    /// <summary>The frame pre-touched in ImageSharp's pool: a 24 MP photo (6000 × 4000 Rgb24, 72 MB) as ImageSharp decodes it.</summary>
    public const int PoolFrameWidth = 6000;

    public const int PoolFrameHeight = 4000;

    /// <summary>
    /// The asset size of the warm-up's shrink-on-load pass: small enough that the embedded photo (480 × 300) decodes through
    /// libvips at a DCT-domain shrink (<see cref="VipsJpeg.ShrinkFor"/>), as every large JPEG does, so libvips is loaded and
    /// set up, and its path compiled, before the first real photo.
    /// </summary>
    public const int ShrinkOnLoadPassSize = 80;

    public const string ResourceName = "ImagePipeline.Core.warmup.jpg";

    private Task _running = Task.CompletedTask;
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Completes when the warm-up has run (or was skipped).</summary>
    public Task Completion => _running;

    /// <summary>How many parts ran: the intake's inspection and/or the engine.</summary>
    public int Passes { get; private set; }

    /// <summary>What made the warm-up fail (it is logged and the app goes on), if anything.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Whether the upload rehearsal ran (SQLite only).</summary>
    public bool Rehearsed { get; private set; }

    /// <summary>Whether ImageSharp's pool was filled with a 24 MP frame's buffers (where jobs run).</summary>
    public bool PoolPrimed { get; private set; }

    /// <summary>Whether it left the pool priming to a real upload that had arrived (<see cref="WarmupStandAside"/>).</summary>
    public bool PoolLeftToUpload { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Runner.Enabled || options.Value.Role.ServesWeb())
        {
            // Called off when the host stops; a real upload arriving meanwhile does not stop it (WarmupStandAside).
            _running = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _stopping.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The host may dispose its services before or while a late StopAsync runs: WebApplicationFactory stops the host
            // while the app's own RunAsync, seeing it stop, stops and disposes it too. Disposed, this service has stopped already.
            return;
        }

        await _running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var photo = await ReadEmbeddedAsync(ResourceName, cancellationToken);
            if (options.Value.Role.ServesWeb())
            {
                // What the intake does with every upload once its bytes are in.
                using var temp = storage.CreateTempFile();
                await File.WriteAllBytesAsync(temp.Path, photo, cancellationToken);
                ImageInspector.Inspect(temp.Path, options.Value.Upload.MaxPixels);
                Passes++;
            }

            if (options.Value.Runner.Enabled)
            {
                // The same calls the handlers make: bounds, then decode → shrink → encode; the thumbnail from the preview.
                var assets = options.Value.Assets;
                using var original = new MemoryStream(photo, writable: false);
                using var preview = new MemoryStream();
                DecodeBounds.Measure(original, options.Value.Upload.MaxPixels);
                await processor.ResizeAsync(original, preview, Math.Min(assets.PreviewSize, 320), cancellationToken);
                preview.Position = 0;
                await processor.ResizeAsync(preview, Stream.Null, Math.Min(assets.ThumbnailSize, 160), cancellationToken);

                // Large JPEGs take the libvips shrink-on-load path instead: load libvips and take that path once too.
                original.Position = 0;
                await processor.ResizeAsync(original, Stream.Null, ShrinkOnLoadPassSize, cancellationToken);
                Passes++;
            }

            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            // Interceptors registered by the host (tests inject database faults this way) see every command of every context:
            // the rehearsal's commands are not theirs to see, so there is no rehearsal then.
            Rehearsed = !interceptors.Any() && await new UploadRehearsal(contexts, processor, lifetime, time, options.Value, frontDoor).RunAsync(cancellationToken);
            if (options.Value.Runner.Enabled)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (standAside.UploadArrived)
                {
                    PoolLeftToUpload = true; // a real photo faults in its own frame
                }
                else
                {
                    PrimePool();
                }

                // The wake-up every upload rings (a Quartz trigger, then the runner's drain): with nothing queued the drain
                // finds no candidate and ends, so this costs one query; the first real upload otherwise compiles that path.
                // Quartz runs it once the host has started.
                if (await HostStarted.WaitAsync(lifetime, cancellationToken))
                {
                    wakeup.Wake();
                }
            }

            LogWarmedUp(logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping before it finished: the rehearsal has deleted its throw-away data directory.
        }
        catch (Exception ex)
        {
            // Only a speed-up: a failure here must never stop the app, but it says something is wrong with the engine.
            Failure = ex;
            LogWarmupFailed(logger, ex);
        }
    }

    /// <summary>
    /// The first 24 MP decode otherwise takes its frame (72 MB, 18 MB decoded shrunk on load) fresh from the OS and pays a page fault per 4 KB of it. A new
    /// image is cleared (every page written) and, disposed, its 4 MB blocks go back to the pool (<see cref="ImageSharpConfiguration.PoolMegabytes"/>
    /// holds them), where the decoder's frame of the same size finds them. ImageSharp's own trimming hands idle blocks back
    /// after a minute or two, and so does <see cref="IdleMemoryTrimmer"/> after a drain: this helps the photos of the first
    /// minutes after a start, which is when the cold start is felt.
    /// </summary>
    private void PrimePool()
    {
        // Where libvips decodes large JPEGs shrunk (a 24 MP photo at 1/2 for its preview), that is the frame the pool needs.
        var (width, height) = PoolFrame(options.Value.Assets.ShrinkOnLoad && VipsJpeg.Available);
        using (new SixLabors.ImageSharp.Image<Rgb24>(ImageSharpConfiguration.Instance, width, height))
        {
        }

        PoolPrimed = true;
    }

    /// <summary>The frame a 24 MP photo's preview is decoded into: full size, or half of it when it decodes shrunk on load.</summary>
    internal static (int Width, int Height) PoolFrame(bool shrinkOnLoad) =>
        shrinkOnLoad ? (PoolFrameWidth / 2, PoolFrameHeight / 2) : (PoolFrameWidth, PoolFrameHeight);

    /// <summary>One of the warm-up's embedded photos (Processing/Warmup), whole: this one or the rehearsal's.</summary>
    internal static async Task<byte[]> ReadEmbeddedAsync(string resourceName, CancellationToken cancellationToken)
    {
        await using var resource = typeof(CodecWarmup).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"The embedded {resourceName} is missing.");
        var bytes = new byte[resource.Length];
        await resource.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Image codecs warmed up in {Milliseconds:F0} ms (rehearsal and pool: {CpuMilliseconds:F0} ms of CPU)")]
    private static partial void LogWarmedUp(ILogger logger, double milliseconds, double cpuMilliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warming up the image codecs failed")]
    private static partial void LogWarmupFailed(ILogger logger, Exception exception);
}
