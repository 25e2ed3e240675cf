using ImagePipeline.Core.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SharpImage = SixLabors.ImageSharp.Image;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// The ImageSharp engine: decode once, shrink in the stored orientation, then rotate the small result
/// (so an orientation-6 photo costs no more than an upright one), strip metadata, bring the colours to sRGB, encode.
/// Opaque images (every JPEG) are decoded straight to <see cref="Rgb24"/>; images that can carry alpha are shrunk
/// with premultiplied alpha and then laid over white, so transparent areas come out white rather than black.
/// A JPEG at least three times the asset's size in both dimensions is decoded shrunk by 2, 4 or 8 in the DCT domain by libvips
/// (<see cref="VipsJpeg"/>, <c>Pipeline:Assets:ShrinkOnLoad</c>) and then goes through the same steps; anything libvips
/// does not decode cleanly is decoded by ImageSharp as before.
/// </summary>
public sealed partial class ImageSharpProcessor : IImageProcessor
{
    /// <summary>Images being made right now, in this process (decides whether a resize may use every core).</summary>
    private static int _inFlight;

    private readonly IImageEncoder _encoder;
    private readonly bool _shrinkOnLoad;
    private readonly ILogger _logger;

    public ImageSharpProcessor(IOptions<PipelineOptions> options, ILogger<ImageSharpProcessor>? logger = null)
    {
        var assets = options.Value.Assets;
        _shrinkOnLoad = assets.ShrinkOnLoad;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var webp = string.Equals(assets.Format, "webp", StringComparison.OrdinalIgnoreCase);
        _encoder = webp
            ? new WebpEncoder { Quality = assets.Quality, FileFormat = WebpFileFormatType.Lossy }
            : new JpegEncoder { Quality = assets.Quality, ColorType = JpegColorType.YCbCrRatio420 };
        AssetExtension = webp ? "webp" : "jpg";
        AssetContentType = Storage.AssetLayout.ContentTypeOf($"asset.{AssetExtension}");
    }

    public string AssetExtension { get; }

    public string AssetContentType { get; }

    public async Task ResizeAsync(Stream source, Stream output, int maxSize, CancellationToken cancellationToken)
    {
        using var pixels = await ResizeKeepingPixelsAsync(source, output, maxSize, cancellationToken);
    }

    public async Task<AssetPixels?> ResizeKeepingPixelsAsync(Stream source, Stream output, int maxSize, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        Image<Rgb24>? rgb = null;
        try
        {
            rgb = await DecodeShrinkAsync(source, maxSize, cancellationToken);
            await EncodeAsync(rgb, output, cancellationToken);
            var kept = new AssetPixels(rgb);
            rgb = null;
            return kept;
        }
        finally
        {
            rgb?.Dispose();
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>A smaller asset from an asset's pixels (the thumbnail from the preview just made): no file read, no decode.
    /// The pixels are shrunk in place; the caller still disposes <paramref name="source"/>.</summary>
    public async Task ResizeAsync(AssetPixels source, Stream output, int maxSize, CancellationToken cancellationToken)
    {
        var image = source.Image;
        var target = Fit(image.Width, image.Height, maxSize);
        cancellationToken.ThrowIfCancellationRequested();
        image.Mutate(x => Shrink.To(x, image.Size(), target, premultiplyAlpha: false));

        // As if decoded from the asset's file: its kept profile, if any, goes with the pixels again.
        ColourProfile.Apply(image, ColourProfile.ForDerived(image.Metadata.IccProfile));
        await EncodeAsync(image, output, cancellationToken);
    }

    /// <summary>Decodes once, shrinks in the stored orientation, then rotates the small result, strips metadata, brings the colours to sRGB.</summary>
    private async Task<Image<Rgb24>> DecodeShrinkAsync(Stream source, int maxSize, CancellationToken cancellationToken)
    {
        var shrunk = TryDecodeShrunk(source, maxSize, out var fullSize);
        var image = shrunk ?? await DecodeAsync(source, cancellationToken);
        try
        {
            var orientation = ReadOrientation(image.Metadata);
            var hasAlpha = MayHaveAlpha(image);

            // The target comes from the full stored size, so an image decoded shrunk ends at exactly the same size.
            var target = StoredTarget(shrunk is null ? image.Size() : fullSize, orientation, maxSize);

            cancellationToken.ThrowIfCancellationRequested();

            // One photo alone in the process gets every core for its resize (the one step ImageSharp 2.1 parallelises);
            // photos processed side by side keep one thread each, as the runner's concurrency already fills the cores.
            var configuration = Volatile.Read(ref _inFlight) > 1 ? ImageSharpConfiguration.Instance : ImageSharpConfiguration.AllCores;
            image.Mutate(configuration, x =>
            {
                Shrink.To(x, image.Size(), target, premultiplyAlpha: hasAlpha);
                if (hasAlpha)
                {
                    x.BackgroundColor(Color.White);
                }

                if (orientation > 1)
                {
                    x.AutoOrient();
                }
            });

            // Derived assets carry no EXIF/GPS/XMP/IPTC: the original keeps them. Colours: see ColourProfile.
            var profile = ColourProfile.ForDerived(image.Metadata.IccProfile);
            image.Metadata.ExifProfile = null;
            image.Metadata.XmpProfile = null;
            image.Metadata.IptcProfile = null;
            image.Metadata.IccProfile = null;

            // Other decoded pixel types (alpha, grey, 16-bit) are flattened to Rgb24 once small.
            var rgb = image as Image<Rgb24> ?? image.CloneAs<Rgb24>(ImageSharpConfiguration.Instance);
            try
            {
                ColourProfile.Apply(rgb, profile);
            }
            catch
            {
                if (!ReferenceEquals(rgb, image))
                {
                    rgb.Dispose();
                }

                throw;
            }

            if (ReferenceEquals(rgb, image))
            {
                image = null;
            }

            return rgb;
        }
        finally
        {
            image?.Dispose();
        }
    }

    private async Task EncodeAsync(Image<Rgb24> rgb, Stream output, CancellationToken cancellationToken)
    {
        if (_encoder is WebpEncoder && rgb.Metadata.IccProfile is { } kept)
        {
            // ImageSharp 2.1's WebP encoder writes no ICC profile: add it to the small encoded result.
            using var encoded = new MemoryStream();
            await rgb.SaveAsync(encoded, _encoder, cancellationToken);
            await output.WriteAsync(WebpIcc.Embed(encoded.GetBuffer().AsSpan(0, (int)encoded.Length), kept.ToByteArray(), rgb.Width, rgb.Height), cancellationToken);
            return;
        }

        await rgb.SaveAsync(output, _encoder, cancellationToken);
    }

    /// <summary>
    /// A JPEG that can be decoded shrunk (<see cref="VipsJpeg.ShrinkFor"/> > 1), decoded by libvips at that scale, with the
    /// EXIF and ICC profile ImageSharp reads from the same bytes (orientation and colours as if ImageSharp had decoded it);
    /// null, with the stream where it was, when ImageSharp should decode it (not a JPEG, too small, anything unusual).
    /// </summary>
    private SharpImage? TryDecodeShrunk(Stream source, int maxSize, out Size fullSize)
    {
        fullSize = default;
        if (!_shrinkOnLoad || !source.CanSeek || !VipsJpeg.LooksLikeJpeg(source))
        {
            return null;
        }

        var start = source.Position;
        IImageInfo? info;
        try
        {
            info = SharpImage.Identify(ImageSharpConfiguration.Instance, source);
        }
        catch (Exception ex) when (ex is ImageFormatException or InvalidDataException or EndOfStreamException
                                       or ArgumentException or IndexOutOfRangeException or OverflowException or NotSupportedException)
        {
            return null; // ImageSharp's decode says what is wrong, as before
        }
        finally
        {
            source.Position = start;
        }

        if (info is null || info.Width <= 0 || info.Height <= 0)
        {
            return null;
        }

        fullSize = new Size(info.Width, info.Height);
        var shrink = VipsJpeg.ShrinkFor(info.Width, info.Height, StoredTarget(fullSize, ReadOrientation(info.Metadata), maxSize));
        if (shrink == 1)
        {
            return null;
        }

        var image = VipsJpeg.TryDecode(source, shrink, info.Width, info.Height, out var refusal);
        if (image is null)
        {
            LogDecodedByImageSharp(_logger, info.Width, info.Height, refusal ?? "unknown");
            return null;
        }

        image.Metadata.ExifProfile = info.Metadata.ExifProfile;
        image.Metadata.IccProfile = info.Metadata.IccProfile;
        LogShrunkOnLoad(_logger, info.Width, info.Height, shrink, image.Width, image.Height);
        return image;
    }

    /// <summary>The size to resize the stored pixels to: the *displayed* size fitted within maxSize, in the stored orientation.</summary>
    private static Size StoredTarget(Size stored, int orientation, int maxSize)
    {
        var swapsAxes = orientation is >= 5 and <= 8;
        var (displayWidth, displayHeight) = swapsAxes ? (stored.Height, stored.Width) : (stored.Width, stored.Height);
        var fitted = Fit(displayWidth, displayHeight, maxSize);
        return swapsAxes ? new Size(fitted.Height, fitted.Width) : fitted;
    }

    /// <summary>Fits <paramref name="width"/> × <paramref name="height"/> within <paramref name="maxSize"/>, never enlarging.</summary>
    private static Size Fit(int width, int height, int maxSize)
    {
        var scale = Math.Min(1.0, Math.Min((double)maxSize / width, (double)maxSize / height));
        return new Size(Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    private static async Task<SharpImage> DecodeAsync(Stream source, CancellationToken cancellationToken)
    {
        try
        {
            // Each format decodes to its own pixel type: JPEG (no alpha) straight to Rgb24, the smallest that holds a photo;
            // PNG/GIF/WebP keep their alpha until it is laid over white.
            return await SharpImage.LoadAsync(ImageSharpConfiguration.Instance, source, cancellationToken);
        }
        catch (Exception ex) when (ex is ImageFormatException or UnknownImageFormatException or InvalidDataException
                                       or EndOfStreamException or IndexOutOfRangeException or ArgumentException or NotSupportedException)
        {
            throw new CorruptImageException($"The image cannot be decoded: {ex.Message}", ex);
        }
    }

    /// <summary>Opaque pixel types skip the premultiplication and the white background (ImageSharp 2.1 does not report alpha itself).</summary>
    private static bool MayHaveAlpha(SharpImage image) =>
        image is not (Image<Rgb24> or Image<Bgr24> or Image<L8> or Image<L16> or Image<Rgb48>);

    private static int ReadOrientation(ImageMetadata metadata)
    {
        try
        {
            return metadata.ExifProfile?.GetValue(ExifTag.Orientation)?.Value is { } value and >= 1 and <= 8 ? value : 1;
        }
        catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            return 1;
        }
    }

    [LoggerMessage(EventId = 1, EventName = "ShrunkOnLoad", Level = LogLevel.Debug,
        Message = "JPEG {Width} × {Height} decoded by libvips at 1/{Shrink} ({ShrunkWidth} × {ShrunkHeight})")]
    private static partial void LogShrunkOnLoad(ILogger logger, int width, int height, int shrink, int shrunkWidth, int shrunkHeight);

    [LoggerMessage(EventId = 2, EventName = "DecodedByImageSharp", Level = LogLevel.Debug,
        Message = "JPEG {Width} × {Height} decoded at full size by ImageSharp: libvips did not decode it ({Reason})")]
    private static partial void LogDecodedByImageSharp(ILogger logger, int width, int height, string reason);
}
