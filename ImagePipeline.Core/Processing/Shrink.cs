using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace ImagePipeline.Core.Processing;

/// <summary>How the engine shrinks: never enlarges; the resampler is chosen by measurement (docs/benchmarks.md).</summary>
internal static class Shrink
{
    public static void To(IImageProcessingContext context, Size current, Size target, bool premultiplyAlpha)
    {
        if (target.Width >= current.Width && target.Height >= current.Height)
        {
            return;
        }

        context.Resize(Options(target, KnownResamplers.Bicubic, premultiplyAlpha));
    }

    private static ResizeOptions Options(Size size, IResampler sampler, bool premultiplyAlpha) =>
        new() { Size = size, Mode = ResizeMode.Stretch, Sampler = sampler, PremultiplyAlpha = premultiplyAlpha };
}
