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
/// (so an orientation-6 photo costs no more than an upright one), strip metadata, encode.
/// </summary>
public sealed class ImageSharpProcessor : IImageProcessor
{
    private readonly IImageEncoder _encoder;

    public ImageSharpProcessor(IOptions<PipelineOptions> options)
    {
        var assets = options.Value.Assets;
        var webp = string.Equals(assets.Format, "webp", StringComparison.OrdinalIgnoreCase);
        _encoder = webp
            ? new WebpEncoder { Quality = assets.Quality, FileFormat = WebpFileFormatType.Lossy }
            : new JpegEncoder { Quality = assets.Quality, ColorType = JpegColorType.YCbCrRatio420 };
        AssetExtension = webp ? "webp" : "jpg";
        AssetContentType = webp ? "image/webp" : "image/jpeg";
    }

    public string AssetExtension { get; }

    public string AssetContentType { get; }

    public async Task<DerivedImage> ResizeAsync(Stream source, Stream output, int maxSize, CancellationToken cancellationToken)
    {
        using var image = await DecodeAsync(source, cancellationToken);
        var orientation = ReadOrientation(image);
        var swapsAxes = orientation is >= 5 and <= 8;

        // Fit the *displayed* size within maxSize, but resize the stored pixels before rotating.
        var (displayWidth, displayHeight) = swapsAxes ? (image.Height, image.Width) : (image.Width, image.Height);
        var scale = Math.Min(1.0, Math.Min((double)maxSize / displayWidth, (double)maxSize / displayHeight));
        var targetDisplayWidth = Math.Max(1, (int)Math.Round(displayWidth * scale));
        var targetDisplayHeight = Math.Max(1, (int)Math.Round(displayHeight * scale));
        var (storedWidth, storedHeight) = swapsAxes ? (targetDisplayHeight, targetDisplayWidth) : (targetDisplayWidth, targetDisplayHeight);

        cancellationToken.ThrowIfCancellationRequested();
        image.Mutate(x =>
        {
            if (storedWidth != image.Width || storedHeight != image.Height)
            {
                x.Resize(new ResizeOptions { Size = new Size(storedWidth, storedHeight), Mode = ResizeMode.Stretch, Sampler = KnownResamplers.Bicubic });
            }

            if (orientation > 1)
            {
                x.AutoOrient();
            }
        });

        // Derived assets carry no EXIF/GPS/XMP/ICC: the original keeps them.
        image.Metadata.ExifProfile = null;
        image.Metadata.XmpProfile = null;
        image.Metadata.IptcProfile = null;
        image.Metadata.IccProfile = null;

        await image.SaveAsync(output, _encoder, cancellationToken);
        return new DerivedImage(image.Width, image.Height);
    }

    private static async Task<Image<Rgb24>> DecodeAsync(Stream source, CancellationToken cancellationToken)
    {
        try
        {
            // Rgb24: the smallest pixel format that holds a photo; alpha is flattened (JPEG has none).
            var image = await SharpImage.LoadAsync<Rgb24>(ImageSharpConfiguration.Instance, source, cancellationToken);
            return image;
        }
        catch (Exception ex) when (ex is ImageFormatException or UnknownImageFormatException or InvalidDataException
                                       or EndOfStreamException or IndexOutOfRangeException or ArgumentException or NotSupportedException)
        {
            throw new CorruptImageException($"The image cannot be decoded: {ex.Message}", ex);
        }
    }

    private static int ReadOrientation(Image image)
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
