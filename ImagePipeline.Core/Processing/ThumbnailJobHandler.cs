using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Diagnostics;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Storage;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Processing;

/// <summary>THUMBNAIL: fit within <c>Pipeline:Assets:ThumbnailSize</c>, made from the (upright) preview when there is one:
/// from its pixels when the preview job of this process just handed them over, else from its file.</summary>
public sealed class ThumbnailJobHandler(IAssetStorage storage, IImageProcessor processor, DecodeMemoryBudget budget, PipelineMetrics metrics, TimeProvider time, IOptions<PipelineOptions> options, PreviewPixelsHandoff handoff)
    : AssetJobHandler(storage, processor, budget, metrics, time, options)
{
    public override JobType Type => JobType.Thumbnail;

    protected override AssetKind Kind => AssetKind.Thumbnail;

    protected override int MaxSize => Options.Assets.ThumbnailSize;

    protected override string? ChooseSource(Images.Image image) =>
        image.PreviewPath is { } preview && Storage.Exists(preview) ? preview : image.SourcePath;

    protected override AssetPixels? TakeSourcePixels(Images.Image image) => handoff.Take(image.Id);
}
