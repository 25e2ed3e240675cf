using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Diagnostics;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Storage;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// Writes one derived asset of an image through a temp file and an atomic rename.
/// The preview is made from the original (its one decode); the thumbnail from the preview's pixels the preview job just
/// handed over (<see cref="PreviewPixelsHandoff"/>), else from the preview file when it exists.
/// </summary>
public abstract class AssetJobHandler(IAssetStorage storage, IImageProcessor processor, DecodeMemoryBudget budget, PipelineMetrics metrics, TimeProvider time, IOptions<PipelineOptions> options)
    : IJobHandler
{
    public abstract JobType Type { get; }

    protected IAssetStorage Storage => storage;

    protected PipelineOptions Options => options.Value;

    protected abstract AssetKind Kind { get; }

    protected abstract int MaxSize { get; }

    public async Task<string> ExecuteAsync(JobClaim claim, CancellationToken cancellationToken)
    {
        var image = claim.Job.Image ?? throw new CorruptImageException("The job is not linked to an image.");
        var key = storage.KeyFor(image.Id, Kind, processor.AssetExtension);
        if (TakeSourcePixels(image) is { } pixels)
        {
            using (pixels)
            {
                await storage.WriteAsync(key, (output, ct) => TimedAsync(() => processor.ResizeAsync(pixels, output, MaxSize, ct)), cancellationToken);
            }

            return key;
        }

        var source = ChooseSource(image) ?? throw new CorruptImageException("The image has no original file.");
        if (!storage.Exists(source))
        {
            throw new FileNotFoundException("The source file of the image is missing.", Path.GetFileName(source));
        }

        await using var input = storage.OpenRead(source);

        // Bounded again before decoding (the original may come from a backup or an older, higher limit), then admitted
        // only while the decodes in flight fit the memory budget.
        var estimate = DecodeBounds.Measure(input, options.Value.Upload.MaxPixels);
        using var admission = await budget.AcquireAsync(estimate.DecodedBytes, cancellationToken);
        AssetPixels? written = null;
        try
        {
            await storage.WriteAsync(key, async (output, ct) =>
            {
                written?.Dispose();
                written = await TimedAsync(() => KeepsPixels(image)
                    ? processor.ResizeKeepingPixelsAsync(input, output, MaxSize, ct)
                    : ResizeAsync(input, output, ct));
            }, cancellationToken);
            if (written is not null)
            {
                PixelsWritten(image, written);
                written = null;
            }
        }
        finally
        {
            written?.Dispose();
        }

        return key;
    }

    protected virtual string? ChooseSource(Images.Image image) => image.SourcePath;

    /// <summary>Whether the pixels of this asset should be kept for another asset of <paramref name="image"/>.</summary>
    protected virtual bool KeepsPixels(Images.Image image) => false;

    /// <summary>The asset's pixels, kept (<see cref="KeepsPixels"/>) and written: take ownership of them.</summary>
    protected virtual void PixelsWritten(Images.Image image, AssetPixels pixels) => pixels.Dispose();

    /// <summary>Pixels to make this asset from instead of a file, owned by the caller; null: from the file.</summary>
    protected virtual AssetPixels? TakeSourcePixels(Images.Image image) => null;

    private async Task<AssetPixels?> ResizeAsync(Stream input, Stream output, CancellationToken cancellationToken)
    {
        await processor.ResizeAsync(input, output, MaxSize, cancellationToken);
        return null;
    }

    /// <summary>The image work itself, timed apart from the reading, fsyncing and queueing around it (<see cref="PipelineMetrics"/>).</summary>
    private async Task<T> TimedAsync<T>(Func<Task<T>> work)
    {
        var started = time.GetTimestamp();
        try
        {
            return await work();
        }
        finally
        {
            metrics.ImageProcessed(Type, time.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task TimedAsync(Func<Task> work) => await TimedAsync<object?>(async () =>
    {
        await work();
        return null;
    });
}
