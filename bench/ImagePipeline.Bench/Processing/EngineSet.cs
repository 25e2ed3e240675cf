using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Processing;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Bench.Processing;

/// <summary>The engines compared: ImageSharp before/after the tuning, NetVips, and vipsthumbnail when installed.</summary>
public static class EngineSet
{
    public const string Current = "ImageSharp (Core)";
    public const string Original = "ImageSharp before";

    public static IReadOnlyList<IEngine> Create(out string? note)
    {
        var engines = new List<IEngine>
        {
            new ImageSharpEngine(Original, new OriginalImageSharpProcessor()),
            new ImageSharpEngine(Current, new ImageSharpProcessor(Options.Create(new PipelineOptions()))),
            new NetVipsEngine(),
        };
        note = null;
        if (VipsThumbnailEngine.Find() is { } vips)
        {
            engines.Add(new VipsThumbnailEngine(vips));
        }
        else
        {
            note = $"vipsthumbnail is not on PATH: its column is skipped (install it with `{VipsThumbnailEngine.InstallHint}`).";
        }

        return engines;
    }
}
