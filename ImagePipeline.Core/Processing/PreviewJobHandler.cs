using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Storage;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Processing;

/// <summary>PREVIEW: fit within <c>Pipeline:Assets:PreviewSize</c>.</summary>
public sealed class PreviewJobHandler(IAssetStorage storage, IImageProcessor processor, DecodeMemoryBudget budget, IOptions<PipelineOptions> options)
    : AssetJobHandler(storage, processor, budget, options)
{
    public override JobType Type => JobType.Preview;

    protected override AssetKind Kind => AssetKind.Preview;

    protected override int MaxSize => Options.Assets.PreviewSize;
}
