using ImagePipeline.Core.Configuration;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Webp;
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
/// </summary>
public sealed class ImageSharpProcessor : IImageProcessor
{
    /// <summary>Images being made right now, in this process (decides whether a resize may use every core).</summary>
    private static int _inFlight;

    private readonly IImageEncoder _encoder;

    public ImageSharpProcessor(IOptions<PipelineOptions> options)
    {
        var assets = options.Value.Assets;
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
    private static async Task<Image<Rgb24>> DecodeShrinkAsync(Stream source, int maxSize, CancellationToken cancellationToken)
    {
        var image = await DecodeAsync(source, cancellationToken);
        try
        {
            var orientation = ReadOrientation(image);
            var swapsAxes = orientation is >= 5 and <= 8;
            var hasAlpha = MayHaveAlpha(image);

            // Fit the *displayed* size within maxSize, but resize the stored pixels before rotating.
            var (displayWidth, displayHeight) = swapsAxes ? (image.Height, image.Width) : (image.Width, image.Height);
            var fitted = Fit(displayWidth, displayHeight, maxSize);
            var target = swapsAxes ? new Size(fitted.Height, fitted.Width) : fitted;

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

    private static int ReadOrientation(SharpImage image)
    {
        try
        {
            return image.Metadata.ExifProfile?.GetValue(ExifTag.Orientation)?.Value is { } value and >= 1 and <= 8 ? value : 1;
        }
        catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            return 1;
        }
    }
}
