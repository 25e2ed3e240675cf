using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;

namespace ImagePipeline.Core.Processing;

/// <summary>The one ImageSharp configuration the app uses: only the formats we accept are known to it.</summary>
public static class ImageSharpConfiguration
{
    public static SixLabors.ImageSharp.Configuration Instance { get; } = Create();

    private static SixLabors.ImageSharp.Configuration Create()
    {
        var configuration = NewConfiguration();

        // Derived assets need the first frame only: ImageSharp 2.1 would otherwise give every GIF frame a full canvas and read
        // every TIFF page (see DecodeBounds, which bounds the rest before anything is decoded).
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        configuration.ImageFormatsManager.SetDecoder(TiffFormat.Instance, new TiffDecoder { DecodingMode = FrameDecodingMode.First });
        return configuration;
    }

    private static SixLabors.ImageSharp.Configuration NewConfiguration() => new(
        new JpegConfigurationModule(),
        new PngConfigurationModule(),
        new GifConfigurationModule(),
        new WebpConfigurationModule(),
        new BmpConfigurationModule(),
        new TiffConfigurationModule())
    {
        // Decoding runs on the runner's own parallelism; one image uses one thread.
        MaxDegreeOfParallelism = 1,

        // The default pool keeps what a burst of large images rented until its trim timer runs; a small cap gives most of it
        // back at once. Measured (docs/benchmarks.md): RSS after the corpus 2 s idle ~240 → ~170 MB, at the price of a
        // higher peak (~240 → ~265 MB: a 24 MP Rgb24 frame, 72 MB, comes fresh from the native heap each time).
        MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { MaximumPoolSizeMegabytes = PoolMegabytes }),
    };

    /// <summary>The most memory ImageSharp keeps pooled between images.</summary>
    public const int PoolMegabytes = 32;
}
