using ImagePipeline.Core.Images;
using ImagePipeline.Tests.Support;
using ImagePipeline.Web.Components.Gallery;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;

namespace ImagePipeline.Tests.Gallery;

/// <summary>The viewer's info panel: EXIF read from a photo's header and worded as photographers write it.</summary>
public sealed class PhotoInfoTests
{
    [Fact]
    public void Exif_details_are_read_and_worded()
    {
        var bytes = GpsPhotos.Jpeg(64, 48, new DateTime(2030, 1, 1), 1);
        var info = SixLabors.ImageSharp.Image.Identify(bytes)!;

        var details = PhotoDetailsReader.Read(info.Metadata.ExifProfile!);

        Assert.Equal(GpsPhotos.Lens, details.Lens);
        Assert.Equal(GpsPhotos.Exposure, PhotoInfo.Exposure(details));
        Assert.Equal(GpsPhotos.Place, PhotoInfo.Place(details));
        Assert.Null(PhotoInfo.Place(details.WithoutPlace()));
        Assert.Equal(GpsPhotos.Lens, details.WithoutPlace().Lens);
    }

    [Fact]
    public void Southern_and_western_references_are_negative_and_a_broken_place_is_none()
    {
        var exif = new ExifProfile();
        exif.SetValue(ExifTag.GPSLatitudeRef, "S");
        exif.SetValue(ExifTag.GPSLatitude, [new SixLabors.ImageSharp.Rational(33, 1), new SixLabors.ImageSharp.Rational(52, 1), new SixLabors.ImageSharp.Rational(0, 1)]);
        exif.SetValue(ExifTag.GPSLongitudeRef, "E");
        exif.SetValue(ExifTag.GPSLongitude, [new SixLabors.ImageSharp.Rational(151, 1), new SixLabors.ImageSharp.Rational(12, 1), new SixLabors.ImageSharp.Rational(36, 1)]);
        Assert.Equal("33.86667° S, 151.21000° E", PhotoInfo.Place(PhotoDetailsReader.Read(exif)));

        exif.SetValue(ExifTag.GPSLatitude, [new SixLabors.ImageSharp.Rational(133, 1), new SixLabors.ImageSharp.Rational(0, 1), new SixLabors.ImageSharp.Rational(0, 1)]);
        Assert.Null(PhotoInfo.Place(PhotoDetailsReader.Read(exif)));
        Assert.Null(PhotoInfo.Exposure(PhotoDetailsReader.Read(exif)));
    }

    [Theory]
    [InlineData(1.0 / 250, "1/250 s")]
    [InlineData(1.0 / 30, "1/30 s")]
    [InlineData(0.5, "0.5 s")]
    [InlineData(2, "2 s")]
    public void Shutter_speeds(double seconds, string expected) => Assert.Equal(expected, PhotoInfo.Shutter(seconds));

    [Theory]
    [InlineData("image/jpeg", true)]
    [InlineData("image/png", true)]
    [InlineData("image/webp", true)]
    [InlineData("image/gif", true)]
    [InlineData("image/bmp", true)]
    [InlineData("image/tiff", false)]
    [InlineData(null, false)]
    public void Only_browser_formats_replace_the_preview_when_zoomed(string? contentType, bool expected) =>
        Assert.Equal(expected, PhotoInfo.BrowserCanShow(contentType));
}
