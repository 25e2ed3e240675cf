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
/// Sniffs a stored upload by its magic bytes (naming what we recognise but cannot take), checks its image is complete
/// (bytes after its end are fine), finds a motion photo's video, and reads dimensions and EXIF from the header.
/// Never trusts the file name or the client's MIME type, and never decodes pixels.
/// </summary>
public static class ImageInspector
{
    public static ImageFacts Inspect(string path, long maxPixels)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 16 * 1024);
        if (stream.Length == 0)
        {
            throw Unsupported("The file is empty.");
        }

        // What we recognise but cannot take (HEIC, AVIF, RAW, PDF, video...) is named, before anything takes a RAW for a TIFF.
        var head = new byte[(int)Math.Min(stream.Length, FileKindSniffer.ServerHeadLength)];
        stream.ReadExactly(head);
        stream.Position = 0;
        if (FileKindSniffer.Identify(head) is { } kind)
        {
            throw Unsupported(kind.Detail);
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

        // Bytes after the image's end (camera trailers, a motion photo's video, padding) are fine; a cut-off image is not.
        if (ImageEnd.Find(stream, format, out var problem) is not { } end)
        {
            throw Corrupt($"The {format.Name} file cannot be used: {problem}.");
        }

        var (name, extension) = Describe(format);
        var exif = ReadExif(info);
        var video = format is JpegFormat ? MotionPhoto.Find(stream, end, info.Metadata.XmpProfile) : null;
        return new ImageFacts(name, format.DefaultMimeType, extension, info.Width, info.Height,
            exif.CapturedAt, exif.Make, exif.Model, exif.Orientation, video);
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

    private static (DateTime? CapturedAt, string? Make, string? Model, int? Orientation) ReadExif(IImageInfo info)
    {
        try
        {
            var profile = info.Metadata.ExifProfile;
            if (profile is null)
            {
                return default;
            }

            var captured = CaptureTime(profile.GetValue(ExifTag.DateTimeOriginal)?.Value, profile.GetValue(ExifTag.OffsetTimeOriginal)?.Value)
                ?? CaptureTime(profile.GetValue(ExifTag.DateTime)?.Value, profile.GetValue(ExifTag.OffsetTime)?.Value);

            int? orientation = profile.GetValue(ExifTag.Orientation)?.Value is { } o and >= 1 and <= 8 ? o : null;
            return (captured, Clean(profile.GetValue(ExifTag.Make)?.Value), Clean(profile.GetValue(ExifTag.Model)?.Value), orientation);
        }
        catch (Exception ex) when (ex is ArgumentException or IndexOutOfRangeException or InvalidOperationException or OverflowException)
        {
            // Damaged EXIF is not a reason to refuse a photo: keep it without metadata.
            return default;
        }
    }

    /// <summary>EXIF local time, made UTC with its offset tag (e.g. <c>+02:00</c>) where present, else taken as UTC.</summary>
    internal static DateTime? CaptureTime(string? value, string? offset)
    {
        if (value is null || !DateTime.TryParseExact(value.Trim('\0', ' '), "yyyy:MM:dd HH:mm:ss",
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return null;
        }

        if (offset?.Trim('\0', ' ') is { Length: 6 } o && (o[0] is '+' or '-')
            && TimeSpan.TryParseExact(o[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var span) && span <= TimeSpan.FromHours(14))
        {
            return DateTime.SpecifyKind(o[0] == '+' ? parsed - span : parsed + span, DateTimeKind.Utc);
        }

        return parsed;
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
