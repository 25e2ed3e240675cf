using ImagePipeline.Core.Processing;
using ImagePipeline.Core.Storage;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SharpImage = SixLabors.ImageSharp.Image;

namespace ImagePipeline.Core.Images;

/// <summary>
/// Reads <see cref="PhotoDetails"/> from the stored original's header (no pixels decoded) for the viewer's info panel.
/// The place (GPS) is answered only to the photo's owner, never to an admin looking at someone else's photo.
/// </summary>
public sealed class PhotoDetailsReader(TimelineQueries timeline, IAssetStorage storage)
{
    public async Task<PhotoDetails?> ReadAsync(Viewer viewer, Guid imageId, CancellationToken cancellationToken)
    {
        var image = await timeline.FindAsync(viewer, imageId, cancellationToken);
        if (image?.SourcePath is not { } key || !storage.Exists(key))
        {
            return null;
        }

        PhotoDetails details;
        try
        {
            await using var stream = storage.OpenRead(key);
            var info = await SharpImage.IdentifyAsync(ImageSharpConfiguration.Instance, stream, cancellationToken);
            details = info?.Metadata.ExifProfile is { } exif ? Read(exif) : PhotoDetails.Empty;
        }
        catch (Exception ex) when (ex is ImageFormatException or InvalidDataException or EndOfStreamException or ArgumentException
                                       or IndexOutOfRangeException or OverflowException or NotSupportedException or IOException)
        {
            // Damaged metadata or a file gone since: the panel shows what the database has.
            return PhotoDetails.Empty;
        }

        var owner = viewer.UserId is not null && string.Equals(image.OwnerId, viewer.UserId, StringComparison.Ordinal);
        return owner ? details : details.WithoutPlace();
    }

    /// <summary>The details an EXIF profile holds; values that are missing, zero or nonsensical are null.</summary>
    public static PhotoDetails Read(ExifProfile exif)
    {
        var lens = Clean(exif.GetValue(ExifTag.LensModel)?.Value);
        var exposure = Positive(exif.GetValue(ExifTag.ExposureTime)?.Value);
        var fNumber = Positive(exif.GetValue(ExifTag.FNumber)?.Value);
        var focal = Positive(exif.GetValue(ExifTag.FocalLength)?.Value);
        int? iso = exif.GetValue(ExifTag.ISOSpeedRatings)?.Value is { Length: > 0 } ratings && ratings[0] > 0 ? ratings[0] : null;
        var latitude = Coordinate(exif.GetValue(ExifTag.GPSLatitude)?.Value, exif.GetValue(ExifTag.GPSLatitudeRef)?.Value, 'S', 90);
        var longitude = Coordinate(exif.GetValue(ExifTag.GPSLongitude)?.Value, exif.GetValue(ExifTag.GPSLongitudeRef)?.Value, 'W', 180);
        return latitude is null || longitude is null
            ? new PhotoDetails(lens, exposure, fNumber, iso, focal, null, null)
            : new PhotoDetails(lens, exposure, fNumber, iso, focal, latitude, longitude);
    }

    private static double? Positive(Rational? value) =>
        value is { Denominator: > 0 } r && r.Numerator > 0 && r.ToDouble() is var d && double.IsFinite(d) ? d : null;

    /// <summary>Degrees, minutes, seconds and a hemisphere reference as signed decimal degrees.</summary>
    private static double? Coordinate(Rational[]? dms, string? reference, char negative, double limit)
    {
        if (dms is not { Length: 3 } || dms.Any(r => r.Denominator == 0))
        {
            return null;
        }

        var degrees = dms[0].ToDouble() + (dms[1].ToDouble() / 60) + (dms[2].ToDouble() / 3600);
        if (!double.IsFinite(degrees) || degrees > limit)
        {
            return null;
        }

        return reference?.Trim('\0', ' ').StartsWith(negative) == true ? -degrees : degrees;
    }

    private static string? Clean(string? value)
    {
        var trimmed = value?.Trim('\0', ' ');
        return string.IsNullOrEmpty(trimmed) ? null : trimmed[..Math.Min(trimmed.Length, 256)];
    }
}
