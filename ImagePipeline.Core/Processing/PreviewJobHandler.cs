using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Diagnostics;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Storage;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Processing;

/// <summary>PREVIEW: fit within <c>Pipeline:Assets:PreviewSize</c>.</summary>
public sealed class PreviewJobHandler(IAssetStorage storage, IImageProcessor processor, DecodeMemoryBudget budget, PipelineMetrics metrics, TimeProvider time, IOptions<PipelineOptions> options)
    : AssetJobHandler(storage, processor, budget, metrics, time, options)
{
    public override JobType Type => JobType.Preview;

    protected override AssetKind Kind => AssetKind.Preview;

    protected override int MaxSize => Options.Assets.PreviewSize;
}
