using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Processing;
using ImagePipeline.Tests.Support;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using VipsImage = NetVips.Image;

namespace ImagePipeline.Tests.Processing;

/// <summary>
/// JPEG shrink-on-load through libvips (<see cref="VipsJpeg"/>): taken for a JPEG at least three times the asset's size, and the
/// result is what the ImageSharp-only path makes (same size, orientation, colours, nearly the same pixels); anything libvips
/// does not decode cleanly (CMYK, a truncated file) and anything small goes through ImageSharp exactly as before.
/// </summary>
[Collection(LibvipsCollection.Name)]
public sealed class ShrinkOnLoadTests
{
    /// <summary>
    /// Mean absolute difference per channel (of 255) allowed between the two paths' q80 outputs. Both end in the same Bicubic
    /// resize and encoder; libjpeg's scaled IDCT averages each 2×2 (4×4, 8×8) block before it, a slightly different low-pass
    /// than Bicubic alone, and each output carries its own q80 rounding. Measured 0.9–1.9 on these photos (24 MP at 1/2:
    /// 1.4–1.7) and 2.9 on the small, sharp grey test chart at 100 px; an image rotated the wrong way, a dropped colour
    /// profile or misplaced rows differ by 10 or more.
    /// </summary>
    private const double MaxMeanDifference = 3.5;

    [Theory]
    [InlineData("path-upscaled-6000x4000-grain.jpg", 1600, 2)] // 24 MP camera-like, 4:2:0
    [InlineData("path-upscaled-6000x4000-orient6.jpg", 1600, 2)] // EXIF orientation 6
    [InlineData("autumn-2560x1600-progressive.jpg", 320, 4)] // progressive
    [InlineData("ultra-hdr-3840x2160.jpg", 320, 8)] // gain map (MPF) after the first image's EOI
    [InlineData("exif-landscape_6.jpg", 320, 2)] // orientation 6, stored 1200 × 1800
    [InlineData("path-prophoto-800x500.jpg", 200, 2)] // ProPhoto ICC: converted to sRGB as before
    [InlineData("path-adobergb-800x500.jpg", 200, 2)] // Adobe RGB ICC
    [InlineData("gray-cd1.1.jpg", 100, 2)] // one channel
    public async Task A_large_JPEG_is_decoded_shrunk_and_comes_out_as_the_ImageSharp_path_makes_it(string file, int maxSize, int shrink)
    {
        var bytes = await File.ReadAllBytesAsync(TestPaths.Image(file));

        var (fast, log) = await ResizeAsync(bytes, maxSize, shrinkOnLoad: true);
        var (slow, slowLog) = await ResizeAsync(bytes, maxSize, shrinkOnLoad: false);

        var decoded = Single(log);
        Assert.True(decoded == $"ShrunkOnLoad 1/{shrink}", decoded);
        Assert.Empty(slowLog.Collector.GetSnapshot());
        AssertSameLook(slow, fast, file);
    }

    [Fact]
    public async Task Orientation_6_comes_out_upright()
    {
        // The stored pixels: left half black, right half white. Displayed (rotated 90° clockwise): top black, bottom white.
        using var stored = new Image<Rgb24>(1200, 800, new Rgb24(255, 255, 255));
        stored.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                rows.GetRowSpan(y)[..600].Fill(new Rgb24(0, 0, 0));
            }
        });
        stored.Metadata.ExifProfile = new SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifProfile();
        stored.Metadata.ExifProfile.SetValue(SixLabors.ImageSharp.Metadata.Profiles.Exif.ExifTag.Orientation, (ushort)6);
        using var jpeg = new MemoryStream();
        await stored.SaveAsJpegAsync(jpeg);

        var (output, log) = await ResizeAsync(jpeg.ToArray(), 200, shrinkOnLoad: true);

        Assert.Equal("ShrunkOnLoad 1/4", Single(log));
        using var result = Image.Load<Rgb24>(output);
        Assert.Equal((133, 200), (result.Width, result.Height));
        Assert.True(result[66, 20].R < 30, $"top should be black, got {result[66, 20]}");
        Assert.True(result[66, 180].R > 225, $"bottom should be white, got {result[66, 180]}");
    }

    [Fact]
    public async Task Restart_markers_are_decoded()
    {
        var original = await File.ReadAllBytesAsync(TestPaths.Image("path-2560x1600.jpg"));
        using var vips = VipsImage.JpegloadBuffer(original);
        var withRestarts = vips.JpegsaveBuffer(q: 90, restartInterval: 2, keep: NetVips.Enums.ForeignKeep.None);
        Assert.True(ContainsMarker(withRestarts, 0xD0), "the file should hold RST0 markers");

        var (fast, log) = await ResizeAsync(withRestarts, 320, shrinkOnLoad: true);
        var (slow, _) = await ResizeAsync(withRestarts, 320, shrinkOnLoad: false);

        Assert.Equal("ShrunkOnLoad 1/4", Single(log));
        AssertSameLook(slow, fast, "restart markers");
    }

    [Fact]
    public async Task CMYK_falls_back_to_ImageSharp_and_is_unchanged()
    {
        var bytes = await File.ReadAllBytesAsync(TestPaths.Image("kite-cmyk-1280x800.jpg"));

        var (fast, log) = await ResizeAsync(bytes, 320, shrinkOnLoad: true);
        var (slow, _) = await ResizeAsync(bytes, 320, shrinkOnLoad: false);

        Assert.Equal("DecodedByImageSharp", Single(log).Split(' ')[0]);
        Assert.Contains("CMYK", log.LatestRecord.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(slow, fast);
    }

    [Fact]
    public async Task A_truncated_JPEG_behaves_exactly_as_before()
    {
        var bytes = await File.ReadAllBytesAsync(TestPaths.Image("path-2560x1600.jpg"));
        var truncated = bytes[..(bytes.Length / 2)];

        var (fast, log) = await ResizeAsync(truncated, 320, shrinkOnLoad: true);
        var (slow, _) = await ResizeAsync(truncated, 320, shrinkOnLoad: false);

        // libvips warns about the missing half (premature end of data): a warning is a failure, so ImageSharp decodes it as before.
        Assert.Equal("DecodedByImageSharp", Single(log).Split(' ')[0]);
        Assert.Equal(slow, fast);
    }

    [Fact]
    public async Task A_JPEG_cut_off_in_its_header_gives_the_same_CorruptImageException()
    {
        var bytes = await File.ReadAllBytesAsync(TestPaths.Image("path-2560x1600.jpg"));
        var truncated = bytes[..64];

        var fast = await Assert.ThrowsAsync<CorruptImageException>(() => ResizeAsync(truncated, 320, shrinkOnLoad: true));
        var slow = await Assert.ThrowsAsync<CorruptImageException>(() => ResizeAsync(truncated, 320, shrinkOnLoad: false));

        Assert.Equal(slow.Message, fast.Message);
    }

    [Theory]
    [InlineData("exif-landscape_1.jpg", 1600)] // smaller than the asset: nothing to shrink
    [InlineData("path-2560x1600.jpg", 1600)] // less than three times the asset's size
    public async Task A_JPEG_less_than_three_times_the_asset_takes_the_ImageSharp_path_unchanged(string file, int maxSize)
    {
        var bytes = await File.ReadAllBytesAsync(TestPaths.Image(file));

        var (fast, log) = await ResizeAsync(bytes, maxSize, shrinkOnLoad: true);
        var (slow, _) = await ResizeAsync(bytes, maxSize, shrinkOnLoad: false);

        Assert.Empty(log.Collector.GetSnapshot());
        Assert.Equal(slow, fast);
    }

    [Fact]
    public async Task Switched_off_every_JPEG_is_decoded_by_ImageSharp()
    {
        var bytes = await File.ReadAllBytesAsync(TestPaths.Image("autumn-2560x1600-progressive.jpg"));

        var (_, log) = await ResizeAsync(bytes, 320, shrinkOnLoad: false);

        Assert.Empty(log.Collector.GetSnapshot());
    }

    [Fact]
    public void Libvips_is_locked_down_to_its_JPEG_loader()
    {
        Assert.True(VipsJpeg.Available);
        try
        {
            // What ColourTests' Unlock undoes: set again as VipsJpeg sets it (the same calls, idempotent).
            NetVips.Operation.Block("VipsForeignLoad", true);
            NetVips.Operation.Block("VipsForeignLoadJpeg", false);
            NetVips.Operation.Block("VipsForeignLoadJpegFile", true);

            using var png = new MemoryStream();
            using (var image = new Image<Rgb24>(8, 8))
            {
                image.SaveAsPng(png);
            }

            Assert.Throws<NetVips.VipsException>(() =>
            {
                using var loaded = VipsImage.NewFromBuffer(png.ToArray());
                _ = loaded.Avg();
            });
            Assert.Equal(0, NetVips.Cache.Max);
            Assert.Equal(0, NetVips.Cache.MaxFiles);
            Assert.Equal(0UL, NetVips.Cache.MaxMem);
            Assert.Equal(1, NetVips.NetVips.Concurrency);
        }
        finally
        {
            LibvipsReference.Unlock();
        }
    }

    private static async Task<(byte[] Output, FakeLogger<ImageSharpProcessor> Log)> ResizeAsync(byte[] source, int maxSize, bool shrinkOnLoad)
    {
        var log = new FakeLogger<ImageSharpProcessor>();
        var processor = new ImageSharpProcessor(Options.Create(new PipelineOptions { Assets = new() { ShrinkOnLoad = shrinkOnLoad } }), log);
        using var input = new MemoryStream(source, writable: false);
        using var output = new MemoryStream();
        await processor.ResizeAsync(input, output, maxSize, CancellationToken.None);
        return (output.ToArray(), log);
    }

    /// <summary>The one decode event logged: its name, and for the libvips path its shrink.</summary>
    private static string Single(FakeLogger<ImageSharpProcessor> log)
    {
        var record = Assert.Single(log.Collector.GetSnapshot());
        return record.Id.Name == "ShrunkOnLoad"
            ? $"ShrunkOnLoad 1/{record.StructuredState!.Single(p => p.Key == "Shrink").Value}"
            : $"{record.Id.Name} {record.Message}";
    }

    private static void AssertSameLook(byte[] expected, byte[] actual, string name)
    {
        using var a = Image.Load<Rgb24>(expected);
        using var b = Image.Load<Rgb24>(actual);
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        Assert.Null(b.Metadata.ExifProfile);
        Assert.Equal(a.Metadata.IccProfile?.ToByteArray(), b.Metadata.IccProfile?.ToByteArray());
        long sum = 0;
        for (var y = 0; y < a.Height; y++)
        {
            for (var x = 0; x < a.Width; x++)
            {
                var (p, q) = (a[x, y], b[x, y]);
                sum += Math.Abs(p.R - q.R) + Math.Abs(p.G - q.G) + Math.Abs(p.B - q.B);
            }
        }

        var mean = sum / (3.0 * a.Width * a.Height);
        Assert.True(mean <= MaxMeanDifference, $"{name}: mean absolute difference {mean:0.00} per channel from the ImageSharp path");
    }

    private static bool ContainsMarker(byte[] jpeg, byte marker)
    {
        for (var i = 0; i + 1 < jpeg.Length; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] == marker)
            {
                return true;
            }
        }

        return false;
    }
}
