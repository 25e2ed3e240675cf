using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Diagnostics;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Storage;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// Writes one derived asset of an image through a temp file and an atomic rename.
/// The preview is made from the original (its one decode); the thumbnail from the preview when it exists.
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
        var source = ChooseSource(image) ?? throw new CorruptImageException("The image has no original file.");
        if (!storage.Exists(source))
        {
            throw new FileNotFoundException("The source file of the image is missing.", Path.GetFileName(source));
        }

        var key = storage.KeyFor(image.Id, Kind, processor.AssetExtension);
        await using var input = storage.OpenRead(source);

        // Bounded again before decoding (the original may come from a backup or an older, higher limit), then admitted
        // only while the decodes in flight fit the memory budget.
        var estimate = DecodeBounds.Measure(input, options.Value.Upload.MaxPixels);
        using var admission = await budget.AcquireAsync(estimate.DecodedBytes, cancellationToken);
        await storage.WriteAsync(key, (output, ct) => ProcessAsync(input, output, ct), cancellationToken);
        return key;
    }

    /// <summary>The image work itself, timed apart from the reading, fsyncing and queueing around it (<see cref="PipelineMetrics"/>).</summary>
    private async Task ProcessAsync(Stream input, Stream output, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        try
        {
            await processor.ResizeAsync(input, output, MaxSize, cancellationToken);
        }
        finally
        {
            metrics.ImageProcessed(Type, time.GetElapsedTime(started).TotalSeconds);
        }
    }

    protected virtual string? ChooseSource(Images.Image image) => image.SourcePath;
}
