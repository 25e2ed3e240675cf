using System.Runtime.InteropServices;
using NetVips;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SharpImage = SixLabors.ImageSharp.Image;
using VipsImage = NetVips.Image;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// JPEG decode at 1/2, 1/4 or 1/8 scale in the DCT domain (libjpeg-turbo inside libvips' <c>jpegload</c>), for the one case
/// where it pays: a large JPEG made into a much smaller asset. Only decodes: the pixels go on through ImageSharp
/// (<see cref="ImageSharpProcessor"/>) like any other image. libvips is set up once, locked down: no operation cache, one
/// worker thread (the runner's concurrency already fills the cores), untrusted operations and every loader except JPEG's
/// blocked, and warnings are failures (<see cref="Enums.FailOn.Warning"/>), so a truncated or damaged file goes to
/// ImageSharp's decoder and keeps exactly its behaviour and messages. Where libvips cannot be loaded (another OS or
/// architecture than the bundled linux-x64 build) <see cref="Available"/> is false and ImageSharp decodes everything.
/// </summary>
internal static class VipsJpeg
{
    private static readonly Lazy<bool> Setup = new(Configure, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The DCT-domain shrinks libjpeg offers, largest first.</summary>
    private static readonly int[] Shrinks = [8, 4, 2];

    /// <summary>Whether libvips is loaded and locked down (set up on first use).</summary>
    public static bool Available => Setup.Value;

    /// <summary>
    /// The largest shrink whose result still covers <paramref name="target"/> 1.5 times in both dimensions; 1 when none does.
    /// The scaled IDCT is a plain block reduction: with nothing left for the Bicubic resize after it the result is visibly
    /// harsher (ColourTests' ProPhoto preview at 1/2 straight to its size: 5.1 of 255 from the original, over its bound of 5),
    /// so the resize always keeps at least a factor of 1.5 (libvips' own thumbnail keeps 2; 1.5 still lets a 24 MP photo's
    /// 1600 px preview decode at 1/2). Never upscaled afterwards: the shrunk size is rounded down here.
    /// </summary>
    public static int ShrinkFor(int width, int height, Size target)
    {
        foreach (var shrink in Shrinks)
        {
            if (2L * (width / shrink) >= 3L * target.Width && 2L * (height / shrink) >= 3L * target.Height)
            {
                return shrink;
            }
        }

        return 1;
    }

    /// <summary>Whether the bytes at the stream's position start like a JPEG (SOI then a marker). Leaves the position as it was.</summary>
    public static bool LooksLikeJpeg(Stream stream)
    {
        var start = stream.Position;
        Span<byte> head = stackalloc byte[3];
        try
        {
            return stream.ReadAtLeast(head, 3, throwOnEndOfStream: false) == 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF;
        }
        finally
        {
            stream.Position = start;
        }
    }

    /// <summary>
    /// Decodes the JPEG at the stream's position at 1/<paramref name="shrink"/> scale into an 8-bit <see cref="Rgb24"/> (colour)
    /// or <see cref="L8"/> (grey) image without metadata; null, with the stream back at its start, for anything else:
    /// libvips unavailable, an error or warning, CMYK/YCCK, another band count or format, or not the full size shrunk.
    /// </summary>
    public static SharpImage? TryDecode(Stream stream, int shrink, int fullWidth, int fullHeight, out string? refusal)
    {
        refusal = null;
        if (!Available)
        {
            refusal = "libvips is not available";
            return null;
        }

        var start = stream.Position;
        try
        {
            using var vips = VipsImage.JpegloadStream(stream, shrink: shrink, autorotate: false, access: Enums.Access.Sequential, failOn: Enums.FailOn.Warning);
            if (vips.Format != Enums.BandFormat.Uchar || vips.Bands is not (1 or 3)
                || vips.Interpretation is not (Enums.Interpretation.Srgb or Enums.Interpretation.Bw or Enums.Interpretation.Rgb)
                || !ShrunkFrom(vips.Width, fullWidth, shrink) || !ShrunkFrom(vips.Height, fullHeight, shrink))
            {
                refusal = $"{vips.Bands} band(s) of {vips.Format} in {vips.Interpretation}, {vips.Width} × {vips.Height}";
                return null;
            }

            return vips.Bands == 3 ? Copy<Rgb24>(vips, 3) : Copy<L8>(vips, 1);
        }
        catch (VipsException ex)
        {
            refusal = ex.Message.ReplaceLineEndings(" ").Trim();
            return null;
        }
        finally
        {
            stream.Position = start;
        }
    }

    /// <summary>Whether <paramref name="shrunk"/> is <paramref name="full"/> / <paramref name="shrink"/>, rounded down (libvips) or up (libjpeg).</summary>
    private static bool ShrunkFrom(int shrunk, int full, int shrink) => shrunk == full / shrink || shrunk == (full + shrink - 1) / shrink;

    /// <summary>Renders the (sequential) libvips image into native memory once, then row by row into ImageSharp's pooled buffers.</summary>
    private static unsafe Image<TPixel> Copy<TPixel>(VipsImage vips, int bytesPerPixel)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        var pixels = vips.WriteToMemory(out var size);
        try
        {
            var stride = (long)vips.Width * bytesPerPixel;
            if ((ulong)(stride * vips.Height) != size)
            {
                throw new VipsException($"libvips wrote {size} bytes for a {vips.Width} × {vips.Height} × {bytesPerPixel} image.");
            }

            var image = new Image<TPixel>(ImageSharpConfiguration.Instance, vips.Width, vips.Height);
            var source = (byte*)pixels;
            image.ProcessPixelRows(rows =>
            {
                for (var y = 0; y < rows.Height; y++)
                {
                    new ReadOnlySpan<byte>(source + (y * stride), (int)stride).CopyTo(MemoryMarshal.AsBytes(rows.GetRowSpan(y)));
                }
            });
            return image;
        }
        finally
        {
            NetVips.NetVips.Free(pixels);
        }
    }

    private static bool Configure()
    {
        NativeHeap.Configure(); // its decoded pixels are handed back to the OS once copied out
        try
        {
            if (!ModuleInitializer.VipsInitialized)
            {
                return false;
            }

            // Nothing kept between images: every decode really runs, and no image's pixels outlive its job.
            Cache.Max = 0;
            Cache.MaxMem = 0;
            Cache.MaxFiles = 0;
            NetVips.NetVips.Concurrency = 1;

            // Only jpegload (from a stream) is ever asked for: everything else that parses input is shut off.
            NetVips.NetVips.BlockUntrusted = true;
            Operation.Block("VipsForeignLoad", true);
            Operation.Block("VipsForeignLoadJpeg", false);
            Operation.Block("VipsForeignLoadJpegFile", true);

            // Warnings already fail the load (FailOn.Warning); they are not printed to stderr as well.
            Log.SetLogHandler("VIPS", Enums.LogLevelFlags.Warning | Enums.LogLevelFlags.Message | Enums.LogLevelFlags.Info, static (_, _, _) => { });
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or BadImageFormatException
                                       or VipsException or PlatformNotSupportedException)
        {
            return false;
        }
    }
}
