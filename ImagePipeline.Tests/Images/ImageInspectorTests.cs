using ImagePipeline.Core.Images;
using ImagePipeline.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace ImagePipeline.Tests.Images;

public sealed class ImageInspectorTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("png")]
    [InlineData("webp")]
    public void Capture_time_and_orientation_are_read_from_EXIF_in_PNG_and_WebP(string format)
    {
        using var image = new Image<Rgb24>(60, 40, new Rgb24(10, 120, 200));
        image.Metadata.ExifProfile = new ExifProfile();
        image.Metadata.ExifProfile.SetValue(ExifTag.DateTimeOriginal, "2024:07:14 18:30:05");
        image.Metadata.ExifProfile.SetValue(ExifTag.OffsetTimeOriginal, "+02:00");
        image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
        image.Metadata.ExifProfile.SetValue(ExifTag.Model, "Pixel 8");
        var path = Path.Combine(_dir, "exif." + format);
        if (format == "png")
        {
            image.SaveAsPng(path);
        }
        else
        {
            image.SaveAsWebp(path, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });
        }

        // The EXIF really is in the eXIf / EXIF chunk of the file.
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan().IndexOf(format == "png" ? "eXIf"u8 : "EXIF"u8) > 0);

        var facts = ImageInspector.Inspect(path, 100_000_000);

        Assert.Equal(new DateTime(2024, 7, 14, 16, 30, 5, DateTimeKind.Utc), facts.CapturedAt);
        Assert.Equal(6, facts.Orientation);
        Assert.Equal("Pixel 8", facts.CameraModel);
    }

    [Theory]
    [InlineData("2024:01:02 03:04:05", "+05:30", "2024-01-01T21:34:05")]
    [InlineData("2024:01:02 03:04:05", "-08:00", "2024-01-02T11:04:05")]
    [InlineData("2024:01:02 03:04:05", null, "2024-01-02T03:04:05")]
    [InlineData("2024:01:02 03:04:05", "garbage", "2024-01-02T03:04:05")]
    public void Capture_time_honours_the_EXIF_offset_and_is_stored_as_UTC(string local, string? offset, string utc)
    {
        var captured = ImageInspector.CaptureTime(local, offset);

        Assert.Equal(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), captured);
        Assert.Equal(DateTimeKind.Utc, captured!.Value.Kind);
    }

    [Fact]
    public void An_appended_video_without_a_moov_is_not_taken_for_a_motion_photo()
    {
        var jpeg = File.ReadAllBytes(TestPaths.Image("exif-landscape_1.jpg"));
        var mp4 = RealWorldFiles.Mp4();
        var path = Path.Combine(_dir, "fake-motion.jpg");
        var ftypOnly = mp4[..BitConverter.ToInt32([mp4[3], mp4[2], mp4[1], mp4[0]])];
        File.WriteAllBytes(path, [.. jpeg, .. ftypOnly, .. new byte[64]]);

        Assert.Null(ImageInspector.Inspect(path, 100_000_000).Video);

        File.WriteAllBytes(path, [.. jpeg, .. mp4]);
        Assert.Equal(new EmbeddedVideo(jpeg.Length, mp4.Length), ImageInspector.Inspect(path, 100_000_000).Video);
    }

    [Fact]
    public void Every_test_image_ends_where_its_structure_says_and_progressive_scans_are_walked()
    {
        foreach (var file in new[] { "path-2560x1600.jpg", "autumn-2560x1600-progressive.jpg", "kite-cmyk-1280x800.jpg", "gray-cd1.1.jpg", "rgba-alpha.png", "cramps.gif", "1.webp" })
        {
            using var stream = File.OpenRead(TestPaths.Image(file));
            var format = SixLabors.ImageSharp.Image.DetectFormat(Core.Processing.ImageSharpConfiguration.Instance, stream);
            Assert.Equal(stream.Length, ImageEnd.Find(stream, format!, out var problem));
            Assert.Null(problem);
        }
    }

    [Fact]
    public void An_animated_GIF_ends_at_its_trailer_and_a_cut_one_is_refused()
    {
        var gif = RealWorldFiles.AnimatedGif();
        using var whole = new MemoryStream([.. gif, .. "after"u8]);
        Assert.Equal(gif.Length, ImageEnd.Find(whole, SixLabors.ImageSharp.Formats.Gif.GifFormat.Instance, out _));

        using var cut = new MemoryStream(gif[..(gif.Length - 10)]);
        Assert.Null(ImageEnd.Find(cut, SixLabors.ImageSharp.Formats.Gif.GifFormat.Instance, out var problem));
        Assert.Contains("cut off", problem, StringComparison.Ordinal);
    }
}
