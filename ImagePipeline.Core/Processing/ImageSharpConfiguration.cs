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

    /// <summary>
    /// The same configuration (same formats, same buffer pool) with every core for one operation: for the resize of a photo
    /// processed alone (see <see cref="ImageSharpProcessor"/>).
    /// </summary>
    public static SixLabors.ImageSharp.Configuration AllCores { get; } = WithAllCores(Instance);

    private static SixLabors.ImageSharp.Configuration WithAllCores(SixLabors.ImageSharp.Configuration configuration)
    {
        var clone = configuration.Clone();
        clone.MaxDegreeOfParallelism = Environment.ProcessorCount;
        return clone;
    }

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

        // Pooled buffers are reused from one image to the next: a 24 MP Rgb24 frame (72 MB) that comes fresh from the native
        // heap each time costs ~30 ms of page faults per photo (docs/benchmarks.md: a 32 MB cap made every 24 MP preview ~12%
        // slower). The cap holds one 24 MP frame and a second photo's smaller buffers (256 MB measured a peak of 807 MB in the
        // 200-photo batch, docs/benchmarks.md); when the
        // queue drains, IdleMemoryTrimmer hands all of it back to the OS.
        MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions { MaximumPoolSizeMegabytes = PoolMegabytes }),
    };

    /// <summary>The most memory ImageSharp keeps pooled between images.</summary>
    public const int PoolMegabytes = 128;
}
