using ImagePipeline.Core.Processing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SharpImage = SixLabors.ImageSharp.Image;

namespace ImagePipeline.Bench.Processing;

/// <summary>
/// The engine as it was before the issue-7 tuning (commit 93226f1), kept verbatim with its own configuration
/// so that every run measures "before" and "after" side by side under the same machine noise. JPEG output only.
/// </summary>
public sealed class OriginalImageSharpProcessor : IImageProcessor
{
    private readonly IImageEncoder _encoder;

    private static readonly Configuration OriginalConfiguration = new(
        new JpegConfigurationModule(),
        new PngConfigurationModule(),
        new GifConfigurationModule(),
        new WebpConfigurationModule(),
        new BmpConfigurationModule(),
        new TiffConfigurationModule())
    {
        MaxDegreeOfParallelism = 1,
    };

    public OriginalImageSharpProcessor()
    {
        _encoder = new JpegEncoder { Quality = 80, ColorType = JpegColorType.YCbCrRatio420 };
    }

    public string AssetExtension => "jpg";

    public string AssetContentType => "image/jpeg";

    public async Task ResizeAsync(Stream source, Stream output, int maxSize, CancellationToken cancellationToken)
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
    }

    private static async Task<Image<Rgb24>> DecodeAsync(Stream source, CancellationToken cancellationToken)
    {
        try
        {
            // Rgb24: the smallest pixel format that holds a photo; alpha is flattened (JPEG has none).
            var image = await SharpImage.LoadAsync<Rgb24>(OriginalConfiguration, source, cancellationToken);
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
