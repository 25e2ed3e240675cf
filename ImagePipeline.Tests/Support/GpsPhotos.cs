using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace ImagePipeline.Tests.Support;

/// <summary>
/// JPEGs made in the test with a full EXIF block: camera, lens, exposure and a place (GPS) near the Eiffel Tower,
/// 48°51'29.1" N 2°17'40.2" E, which the viewer shows its owner as <see cref="Place"/>.
/// </summary>
public static class GpsPhotos
{
    public const string Place = "48.85808° N, 2.29450° E";
    public const string Lens = "Test Lens 50mm F1.8";
    public const string Exposure = "1/250 s · f/2.8 · 50 mm · ISO 200";

    /// <summary>A <paramref name="width"/> × <paramref name="height"/> gradient (its hue set by <paramref name="seed"/>) taken at <paramref name="taken"/>.</summary>
    public static byte[] Jpeg(int width, int height, DateTime taken, int seed)
    {
        using var image = new Image<Rgb24>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    // A gradient with a grid every 100 px, so a zoomed or panned photo shows it.
                    var grid = x % 100 < 3 || y % 100 < 3;
                    row[x] = grid ? new Rgb24(255, 255, 255) : new Rgb24((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)(seed * 60 % 256));
                }
            }
        });

        var exif = new ExifProfile();
        exif.SetValue(ExifTag.DateTimeOriginal, taken.ToString("yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture));
        exif.SetValue(ExifTag.Make, "TestMaker");
        exif.SetValue(ExifTag.Model, "Model 1");
        exif.SetValue(ExifTag.LensModel, Lens);
        exif.SetValue(ExifTag.ExposureTime, new Rational(1, 250));
        exif.SetValue(ExifTag.FNumber, new Rational(28, 10));
        exif.SetValue(ExifTag.FocalLength, new Rational(50, 1));
        exif.SetValue(ExifTag.ISOSpeedRatings, [200]);
        exif.SetValue(ExifTag.GPSLatitudeRef, "N");
        exif.SetValue(ExifTag.GPSLatitude, [new Rational(48, 1), new Rational(51, 1), new Rational(2910, 100)]);
        exif.SetValue(ExifTag.GPSLongitudeRef, "E");
        exif.SetValue(ExifTag.GPSLongitude, [new Rational(2, 1), new Rational(17, 1), new Rational(4020, 100)]);
        image.Metadata.ExifProfile = exif;

        using var output = new MemoryStream();
        image.SaveAsJpeg(output);
        return output.ToArray();
    }
}
