using ImagePipeline.Core.Images;
using ImagePipeline.Core.Processing;
using ImagePipeline.Tests.Support;
using SixLabors.ImageSharp;

namespace ImagePipeline.Tests.Images;

/// <summary>Crafted files that pass the pixel check but would decode to gigabytes: bounded before any decode.</summary>
public sealed class DecodeBoundsTests : IDisposable
{
    private const long MaxPixels = 100_000_000;
    private readonly string _folder = Directory.CreateTempSubdirectory("decode-bounds-").FullName;

    [Fact]
    public void A_tiff_whose_second_page_is_over_the_limit_is_refused_at_upload()
    {
        var path = Save("pages.tiff", TestImages.TiffTwoPages(1, 1, 16_000, 16_000));

        var refused = Assert.Throws<UploadRejectedException>(() => ImageInspector.Inspect(path, MaxPixels));

        Assert.Equal(UploadRejection.Unprocessable, refused.Rejection);
        Assert.Contains("Page 2", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_png_whose_text_inflates_to_hundreds_of_megabytes_is_refused_at_upload()
    {
        var path = Save("bomb.png", TestImages.PngWithTextBomb(300L * 1024 * 1024));
        Assert.True(new FileInfo(path).Length < 1024 * 1024);

        var refused = Assert.Throws<UploadRejectedException>(() => ImageInspector.Inspect(path, MaxPixels));

        Assert.Equal(UploadRejection.Unprocessable, refused.Rejection);
        Assert.Contains("text", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_png_with_ordinary_text_is_accepted()
    {
        var path = Save("text.png", TestImages.PngWithTextBomb(100_000));

        var facts = ImageInspector.Inspect(path, MaxPixels);

        Assert.Equal((1, 1), (facts.Width, facts.Height));
    }

    [Fact]
    public void A_gif_with_too_many_frames_is_refused_at_upload()
    {
        var path = Save("frames.gif", TestImages.GifTinyFrames(10, 10, DecodeBounds.MaxFrames + 1));

        var refused = Assert.Throws<UploadRejectedException>(() => ImageInspector.Inspect(path, MaxPixels));

        Assert.Contains("frames", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gif_frame_larger_than_its_screen_and_the_limit_is_refused_at_upload()
    {
        var path = Save("frame.gif", TestImages.GifTinyFrames(100, 100, 2, firstFrameWidth: 65_535, firstFrameHeight: 65_535));

        Assert.Throws<UploadRejectedException>(() => ImageInspector.Inspect(path, MaxPixels));
    }

    [Fact]
    public void A_gif_canvas_with_many_frames_costs_one_canvas_because_only_the_first_frame_is_decoded()
    {
        var path = Save("canvas.gif", TestImages.GifTinyFrames(10_000, 10_000, 8));
        Assert.True(new FileInfo(path).Length < 300);

        ImageInspector.Inspect(path, MaxPixels);
        using var stream = File.OpenRead(path);
        var estimate = DecodeBounds.Measure(stream, MaxPixels);

        Assert.Equal(8, estimate.Frames);
        Assert.Equal(10_000L * 10_000 * 4, estimate.DecodedBytes);
    }

    [Fact]
    public void An_animated_webp_counts_every_frame_because_imagesharp_decodes_them_all()
    {
        // RIFF/WEBP with a VP8X canvas of 10000 × 10000 and two ANMF frames: 2 × 400 MB decoded.
        using var webp = new MemoryStream();
        void Chunk(string type, byte[] data)
        {
            webp.Write(System.Text.Encoding.ASCII.GetBytes(type));
            webp.Write(BitConverter.GetBytes((uint)data.Length));
            webp.Write(data);
        }

        webp.Write("RIFF\0\0\0\0WEBP"u8);
        byte[] vp8x = [0x02, 0, 0, 0, .. Int24(9_999), .. Int24(9_999)];
        Chunk("VP8X", vp8x);
        Chunk("ANIM", new byte[6]);
        Chunk("ANMF", new byte[16]);
        Chunk("ANMF", new byte[16]);
        var bytes = webp.ToArray();
        BitConverter.GetBytes((uint)(bytes.Length - 8)).CopyTo(bytes, 4);
        var path = Save("animated.webp", bytes);

        var refused = Assert.Throws<UploadRejectedException>(() => ImageInspector.Inspect(path, MaxPixels));

        Assert.Contains("would take", refused.Message, StringComparison.Ordinal);

        static byte[] Int24(int value) => [(byte)value, (byte)(value >> 8), (byte)(value >> 16)];
    }

    [Fact]
    public void The_app_decodes_only_the_first_gif_frame_and_tiff_page()
    {
        using var gif = SixLabors.ImageSharp.Image.Load(ImageSharpConfiguration.Instance, TestImages.GifTinyFrames(50, 40, 8));
        using var tiff = SixLabors.ImageSharp.Image.Load(ImageSharpConfiguration.Instance, TestImages.TiffTwoPages(3, 2, 5, 5));

        Assert.Equal(1, gif.Frames.Count);
        Assert.Equal(1, tiff.Frames.Count);
        Assert.Equal(new Size(3, 2), tiff.Size());
    }

    [Fact]
    public void The_runner_refuses_an_original_over_the_current_limit_before_decoding()
    {
        // Accepted under an older, higher limit (or restored from a backup): the runner checks again with today's.
        using var png = new MemoryStream(TestImages.PngHeaderOnly(6000, 4000));

        var refused = Assert.Throws<CorruptImageException>(() => DecodeBounds.Measure(png, 20_000_000));

        Assert.Contains("megapixels", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_runner_refuses_an_animation_whose_decoded_frames_exceed_the_limit()
    {
        var path = Save("pages.tiff", TestImages.TiffTwoPages(1, 1, 16_000, 16_000));
        using var stream = File.OpenRead(path);

        Assert.Throws<CorruptImageException>(() => DecodeBounds.Measure(stream, MaxPixels));
    }

    [Fact]
    public void An_ordinary_photo_is_measured_at_three_bytes_a_pixel()
    {
        using var jpeg = File.OpenRead(TestPaths.Image("exif-landscape_1.jpg"));
        var info = SixLabors.ImageSharp.Image.Identify(jpeg);
        jpeg.Position = 0;

        var estimate = DecodeBounds.Measure(jpeg, MaxPixels);

        Assert.Equal((long)info.Width * info.Height * 3, estimate.DecodedBytes);
        Assert.Equal(0, jpeg.Position);
    }

    private string Save(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
