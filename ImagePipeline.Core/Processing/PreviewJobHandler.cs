using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Diagnostics;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Storage;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Processing;

/// <summary>PREVIEW: fit within <c>Pipeline:Assets:PreviewSize</c>; its pixels go on to the image's thumbnail job when that is still to come.</summary>
public sealed class PreviewJobHandler(IAssetStorage storage, IImageProcessor processor, DecodeMemoryBudget budget, PipelineMetrics metrics, TimeProvider time, IOptions<PipelineOptions> options, PreviewPixelsHandoff handoff)
    : AssetJobHandler(storage, processor, budget, metrics, time, options)
{
    public override JobType Type => JobType.Preview;

    protected override AssetKind Kind => AssetKind.Preview;

    protected override int MaxSize => Options.Assets.PreviewSize;

    protected override bool KeepsPixels(Images.Image image) => image.ThumbnailPath is null;

    protected override void PixelsWritten(Images.Image image, AssetPixels pixels) => handoff.Offer(image.Id, pixels);
}
