using System.Diagnostics;
using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// Right after start, in the background, runs a small embedded photo through what an upload runs: the intake's inspection
/// (sniffing, EXIF, the scan for the image's end, motion-photo search) where uploads are taken, and a preview and a thumbnail
/// where jobs run — so that code is compiled before the first real photo arrives. Without it the first photos after a start
/// cost 2–3× the steady state (docs/benchmarks.md, "Cold start"). Nothing is stored. It begins once the host has started
/// (<see cref="IHostApplicationLifetime.ApplicationStarted"/>: migrated, listening), so on two cores its JIT and decoding do
/// not compete with the start-up path to the first <c>/health</c> 200 (docs/benchmarks.md, "Start-up").
/// </summary>
public sealed partial class CodecWarmup(IImageProcessor processor, IAssetStorage storage, IOptions<PipelineOptions> options, IHostApplicationLifetime lifetime, ILogger<CodecWarmup> logger) : IHostedService, IDisposable
{
    public const string ResourceName = "ImagePipeline.Core.warmup.jpg";

    private Task _running = Task.CompletedTask;
    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;

    /// <summary>Completes when the warm-up has run (or was skipped).</summary>
    public Task Completion => _running;

    /// <summary>How many parts ran: the intake's inspection and/or the engine.</summary>
    public int Passes { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Runner.Enabled || options.Value.Role.ServesWeb())
        {
            _running = RunOnceStartedAsync(_stopping.Token);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed))
        {
            return; // the host may dispose its services before a late StopAsync (e.g. WebApplicationFactory)
        }

        await _stopping.CancelAsync();
        await _running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        _stopping.Dispose();
    }

    private async Task RunOnceStartedAsync(CancellationToken cancellationToken)
    {
        if (await HostStarted.WaitAsync(lifetime, cancellationToken))
        {
            await Task.Run(() => RunAsync(cancellationToken), CancellationToken.None);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var photo = await ReadPhotoAsync(cancellationToken);
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
                Passes++;
            }

            LogWarmedUp(logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping before it finished: nothing to undo.
        }
        catch (Exception ex)
        {
            // Only a speed-up: a failure here must never stop the app, but it says something is wrong with the engine.
            LogWarmupFailed(logger, ex);
        }
    }

    private static async Task<byte[]> ReadPhotoAsync(CancellationToken cancellationToken)
    {
        await using var resource = typeof(CodecWarmup).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded {ResourceName} is missing.");
        using var bytes = new MemoryStream();
        await resource.CopyToAsync(bytes, cancellationToken);
        return bytes.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Image codecs warmed up in {Milliseconds:F0} ms")]
    private static partial void LogWarmedUp(ILogger logger, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warming up the image codecs failed")]
    private static partial void LogWarmupFailed(ILogger logger, Exception exception);
}
