using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Processing;
using ImagePipeline.Tests.Support;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ImagePipeline.Tests.Processing;

public sealed class ImageSharpProcessorTests
{
    private readonly ImageSharpProcessor _processor = new(Options.Create(new PipelineOptions()));

    [Fact]
    public async Task Transparent_areas_come_out_white()
    {
        using var source = new Image<Rgba32>(200, 100, new Rgba32(0, 0, 0, 0));
        for (var y = 0; y < 100; y++)
        {
            for (var x = 0; x < 100; x++)
            {
                source[x, y] = new Rgba32(255, 0, 0, 255);
            }
        }

        var png = new MemoryStream();
        await source.SaveAsPngAsync(png);
        png.Position = 0;

        var output = await ResizeAsync(png, 100);

        using var result = Image.Load<Rgb24>(output);
        Assert.Equal((100, 50), (result.Width, result.Height));
        var transparentSide = result[75, 25];
        var redSide = result[20, 25];
        Assert.True(transparentSide.R > 240 && transparentSide.G > 240 && transparentSide.B > 240, $"expected white, got {transparentSide}");
        Assert.True(redSide.R > 200 && redSide.G < 60 && redSide.B < 60, $"expected red, got {redSide}");
    }

    [Theory]
    [InlineData("bmp24")]
    [InlineData("bmp32")]
    [InlineData("tiff")]
    public async Task Opaque_bmp_and_tiff_keep_their_colours(string format)
    {
        using var source = new Image<Rgb24>(64, 32, new Rgb24(20, 40, 220));
        var bytes = new MemoryStream();
        if (format == "tiff")
        {
            await source.SaveAsTiffAsync(bytes);
        }
        else
        {
            await source.SaveAsBmpAsync(bytes, new SixLabors.ImageSharp.Formats.Bmp.BmpEncoder
            {
                BitsPerPixel = format == "bmp32" ? SixLabors.ImageSharp.Formats.Bmp.BmpBitsPerPixel.Pixel32 : SixLabors.ImageSharp.Formats.Bmp.BmpBitsPerPixel.Pixel24,
            });
        }

        bytes.Position = 0;
        var output = await ResizeAsync(bytes, 32);

        using var result = Image.Load<Rgb24>(output);
        Assert.Equal((32, 16), (result.Width, result.Height));
        var pixel = result[16, 8];
        Assert.True(pixel.B > 180 && pixel.R < 60, $"expected blue, got {pixel}");
    }

    [Theory]
    [InlineData("exif-landscape_6.jpg", 320, 213)]
    [InlineData("exif-landscape_1.jpg", 320, 213)]
    [InlineData("kite-cmyk-1280x800.jpg", 320, 200)]
    [InlineData("rgba-alpha.png", 128, 128)]
    [InlineData("cramps.gif", 159, 203)]
    [InlineData("1.webp", 320, 214)]
    public async Task Outputs_are_upright_never_enlarged_and_without_metadata(string file, int width, int height)
    {
        await using var input = File.OpenRead(TestPaths.Image(file));

        var output = await ResizeAsync(input, 320);

        var info = Image.Identify(output.ToArray());
        Assert.Equal((width, height), (info.Width, info.Height));
        Assert.Null(info.Metadata.ExifProfile);
        Assert.Null(info.Metadata.IccProfile);
    }

    [Fact]
    public async Task Undecodable_input_is_a_corrupt_image()
    {
        var bytes = await File.ReadAllBytesAsync(TestPaths.Image("path-2560x1600.jpg"));
        var truncated = new MemoryStream(bytes[..64]);

        await Assert.ThrowsAsync<CorruptImageException>(() => ResizeAsync(truncated, 320));
    }

    private async Task<MemoryStream> ResizeAsync(Stream input, int maxSize)
    {
        var output = new MemoryStream();
        await _processor.ResizeAsync(input, output, maxSize, CancellationToken.None);
        output.Position = 0;
        return output;
    }
}
