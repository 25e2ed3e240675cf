using System.Globalization;
using ImagePipeline.Core.Processing;
using SixLabors.ImageSharp;
using SharpImage = SixLabors.ImageSharp.Image;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;

namespace ImagePipeline.Core.Images;

/// <summary>
/// Sniffs a stored upload by its magic bytes, checks it is complete, and reads dimensions and EXIF from the header.
/// Never trusts the file name or the client's MIME type, and never decodes pixels.
/// </summary>
public static class ImageInspector
{
    private static readonly byte[] PngTrailer = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82];

    public static ImageFacts Inspect(string path, long maxPixels)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024);
        if (stream.Length == 0)
        {
            throw Unsupported("The file is empty.");
        }

        var format = SharpImage.DetectFormat(ImageSharpConfiguration.Instance, stream)
            ?? throw Unsupported("The file is not an image in a supported format (JPEG, PNG, GIF, WebP, BMP or TIFF).");
        stream.Position = 0;
        DecodeBounds.EnsureWithin(stream, format, maxPixels);

        IImageInfo? info;
        try
        {
            info = SharpImage.Identify(ImageSharpConfiguration.Instance, stream);
        }
        catch (Exception ex) when (ex is ImageFormatException or InvalidDataException or EndOfStreamException
                                       or ArgumentException or IndexOutOfRangeException or OverflowException or NotSupportedException)
        {
            throw Corrupt($"The {format.Name} header could not be read."); // not the library's message: no internals to clients
        }

        if (info is null || info.Width <= 0 || info.Height <= 0)
        {
            throw Corrupt($"The {format.Name} header has no usable dimensions.");
        }

        var pixels = (long)info.Width * info.Height;
        if (pixels > maxPixels)
        {
            throw new UploadRejectedException(
                UploadRejection.Unprocessable,
                "Image too large",
                $"The image is {info.Width} × {info.Height} ({pixels / 1_000_000.0:0.#} megapixels); the limit is {maxPixels / 1_000_000.0:0.#} megapixels.");
        }

        if (!IsComplete(stream, format))
        {
            throw Corrupt($"The {format.Name} file is truncated or has data after its end.");
        }

        var (name, extension) = Describe(format);
        var exif = ReadExif(info);
        return new ImageFacts(name, format.DefaultMimeType, extension, info.Width, info.Height,
            exif.CapturedAt, exif.Make, exif.Model, exif.Orientation);
    }

    private static (string Name, string Extension) Describe(IImageFormat format) => format switch
    {
        JpegFormat => ("JPEG", "jpg"),
        PngFormat => ("PNG", "png"),
        GifFormat => ("GIF", "gif"),
        WebpFormat => ("WEBP", "webp"),
        BmpFormat => ("BMP", "bmp"),
        TiffFormat => ("TIFF", "tiff"),
        _ => throw Unsupported($"{format.Name} images are not accepted."),
    };

    /// <summary>Cheap structural end checks: a cut-off upload or a file with something appended is refused here.</summary>
    private static bool IsComplete(Stream stream, IImageFormat format)
    {
        var length = stream.Length;
        var tailLength = (int)Math.Min(length, 64);
        var tail = new byte[tailLength];
        stream.Position = length - tailLength;
        stream.ReadExactly(tail);

        switch (format)
        {
            case JpegFormat:
                var end = tail.Length;
                while (end > 0 && tail[end - 1] is 0x00 or 0x0A or 0x0D or 0x20)
                {
                    end--;
                }

                return end >= 2 && tail[end - 2] == 0xFF && tail[end - 1] == 0xD9;
            case PngFormat:
                return tail.AsSpan().EndsWith(PngTrailer);
            case GifFormat:
                return tail[^1] == 0x3B;
            case WebpFormat:
                stream.Position = 4;
                Span<byte> size = stackalloc byte[4];
                stream.ReadExactly(size);
                var riffSize = BitConverter.ToUInt32(size);
                return riffSize + 8L <= length + 1 && riffSize + 8L >= length - 1;
            case BmpFormat:
                stream.Position = 2;
                Span<byte> bmpSize = stackalloc byte[4];
                stream.ReadExactly(bmpSize);
                var declared = BitConverter.ToUInt32(bmpSize);
                return declared == 0 || declared <= length;
            default:
                return true;
        }
    }

    private static (DateTime? CapturedAt, string? Make, string? Model, int? Orientation) ReadExif(IImageInfo info)
    {
        try
        {
            var profile = info.Metadata.ExifProfile;
            if (profile is null)
            {
                return default;
            }

            DateTime? captured = null;
            var taken = profile.GetValue(ExifTag.DateTimeOriginal)?.Value ?? profile.GetValue(ExifTag.DateTime)?.Value;
            if (taken is not null && DateTime.TryParseExact(taken.Trim('\0', ' '), "yyyy:MM:dd HH:mm:ss",
                    CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                captured = parsed;
            }

            int? orientation = profile.GetValue(ExifTag.Orientation)?.Value is { } o and >= 1 and <= 8 ? o : null;
            return (captured, Clean(profile.GetValue(ExifTag.Make)?.Value), Clean(profile.GetValue(ExifTag.Model)?.Value), orientation);
        }
        catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or InvalidOperationException or OverflowException)
        {
            // Damaged EXIF is not a reason to refuse a photo: keep it without metadata.
            return default;
        }
    }

    private static string? Clean(string? value)
    {
        var trimmed = value?.Trim('\0', ' ');
        return string.IsNullOrEmpty(trimmed) ? null : trimmed[..Math.Min(trimmed.Length, 256)];
    }

    private static UploadRejectedException Unsupported(string detail) =>
        new(UploadRejection.UnsupportedFormat, "Unsupported file type", detail);

    private static UploadRejectedException Corrupt(string detail) =>
        new(UploadRejection.Unprocessable, "Corrupt image", detail);
}
