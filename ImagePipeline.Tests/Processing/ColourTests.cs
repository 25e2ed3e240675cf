using System.Buffers.Binary;
using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Processing;
using ImagePipeline.Tests.Support;
using Microsoft.Extensions.Options;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using VipsImage = NetVips.Image;

namespace ImagePipeline.Tests.Processing;

/// <summary>
/// Derived assets look like the original in a colour-managed viewer: both are colour-managed to sRGB with libvips
/// (NetVips) and compared per channel. Taking the original's pixels as sRGB (dropping its profile) would differ by more, so the check cannot pass vacuously.
/// </summary>
[Collection(LibvipsCollection.Name)]
public sealed class ColourTests
{
    public ColourTests() => LibvipsReference.Unlock();

    [Theory]
    [InlineData("path-prophoto-800x500.jpg", "JPEG")]
    [InlineData("path-adobergb-800x500.jpg", "JPEG")]
    [InlineData("path-prophoto-800x500.jpg", "WEBP")]
    [InlineData("path-adobergb-800x500.jpg", "WEBP")]
    public async Task Wide_gamut_previews_and_thumbnails_keep_the_look_of_the_original(string file, string format)
    {
        var original = await File.ReadAllBytesAsync(TestPaths.Image(file));
        var processor = new ImageSharpProcessor(Options.Create(new PipelineOptions { Assets = new() { Format = format } }));

        var preview = await ResizeAsync(processor, original, 400);
        var thumbnail = await ResizeAsync(processor, preview, 160);

        foreach (var (name, derived) in new[] { ("preview", preview), ("thumbnail", thumbnail) })
        {
            using (var readBack = SixLabors.ImageSharp.Image.Load(derived))
            {
                Assert.Null(readBack.Metadata.ExifProfile);
                Assert.Null(readBack.Metadata.XmpProfile);
            }

            // As a colour-managed viewer shows both; and how far the output is from the original's pixels with the profile dropped.
            var managed = ChannelDifference(original, derived, manageOriginal: true);
            var asIfDropped = ChannelDifference(original, derived, manageOriginal: false);
            Assert.True(managed <= 5, $"{name}: mean absolute difference {managed:0.00} per channel from the colour-managed original");
            Assert.True(asIfDropped > 8, $"{name}: only {asIfDropped:0.00} from the original with its profile dropped; the check would not tell them apart");
        }
    }

    [Theory]
    [InlineData("JPEG")]
    [InlineData("WEBP")]
    public async Task A_profile_that_cannot_be_converted_goes_with_the_pixels(string format)
    {
        var original = await File.ReadAllBytesAsync(TestPaths.Image("path-prophoto-800x500.jpg"));
        byte[] profile;
        using (var image = SixLabors.ImageSharp.Image.Load(original))
        {
            profile = image.Metadata.IccProfile!.ToByteArray();
        }

        // Rename the black-point tag to A2B0: a lookup-table profile as far as the converter is concerned.
        var tags = BinaryPrimitives.ReadInt32BigEndian(profile.AsSpan(128));
        var renamed = Enumerable.Range(0, tags).Single(i => profile.AsSpan(132 + (i * 12), 4).SequenceEqual("bkpt"u8));
        "A2B0"u8.CopyTo(profile.AsSpan(132 + (renamed * 12)));
        var tagged = WithIccSegment(StripIcc(original), profile);

        var processor = new ImageSharpProcessor(Options.Create(new PipelineOptions { Assets = new() { Format = format } }));
        var derived = await ResizeAsync(processor, tagged, 200);

        using var result = SixLabors.ImageSharp.Image.Load(derived);
        Assert.Equal(profile, result.Metadata.IccProfile?.ToByteArray());
        Assert.Equal((200, 125), (result.Width, result.Height));
        if (format == "WEBP")
        {
            // libvips reads it too (a well-formed extended WebP).
            using var vips = VipsImage.NewFromBuffer(derived);
            Assert.Equal(profile, vips.Get("icc-profile-data") as byte[]);
            Assert.Equal(200, vips.Width);
        }
    }

    [Fact]
    public async Task An_sRGB_profile_is_not_carried_and_a_CMYK_profile_never_goes_into_the_RGB_output()
    {
        var processor = new ImageSharpProcessor(Options.Create(new PipelineOptions()));

        // path-2560x1600.jpg carries an sRGB profile: untagged output means the same.
        var srgb = await ResizeAsync(processor, await File.ReadAllBytesAsync(TestPaths.Image("path-2560x1600.jpg")), 400);
        using (var image = SixLabors.ImageSharp.Image.Load(srgb))
        {
            Assert.Null(image.Metadata.IccProfile);
        }

        var kite = WithIccSegment(await File.ReadAllBytesAsync(TestPaths.Image("kite-cmyk-1280x800.jpg")), CmykProfileHeader());
        using (var source = SixLabors.ImageSharp.Image.Load(kite))
        {
            Assert.Equal(SixLabors.ImageSharp.Metadata.Profiles.Icc.IccColorSpaceType.Cmyk, source.Metadata.IccProfile?.Header.DataColorSpace);
        }

        var derived = await ResizeAsync(processor, kite, 320);

        using (var image = SixLabors.ImageSharp.Image.Load(derived))
        {
            Assert.Null(image.Metadata.IccProfile);
        }

        // The colours: libvips' plain CMYK → RGB (Adobe inversion handled by its loader) of the same file.
        using var cmyk = VipsImage.NewFromBuffer(kite, access: NetVips.Enums.Access.Random);
        using var c = cmyk.ExtractBand(0);
        using var m = cmyk.ExtractBand(1);
        using var y = cmyk.ExtractBand(2);
        using var k = cmyk.ExtractBand(3);
        using var inverseK = (255 - k) / 255.0;
        using var rgb = ((255 - c) * inverseK).Bandjoin((255 - m) * inverseK, (255 - y) * inverseK).Cast(NetVips.Enums.BandFormat.Uchar);
        using var output = VipsImage.NewFromBuffer(derived);
        using var reference = rgb.Resize((double)output.Width / rgb.Width, kernel: NetVips.Enums.Kernel.Linear, vscale: (double)output.Height / rgb.Height);
        Assert.True(MaxChannel(reference, output) <= 6, $"CMYK colours differ by {MaxChannel(reference, output):0.00}");
    }

    [Theory]
    [InlineData("rgb48")]
    [InlineData("l16")]
    [InlineData("l8")]
    public async Task Sixteen_bit_and_grey_PNGs_keep_their_colours(string kind)
    {
        var png = new MemoryStream();
        switch (kind)
        {
            case "rgb48":
                using (var image = new Image<Rgb48>(64, 32, new Rgb48(0xC000, 0x4000, 0x2000)))
                {
                    await image.SaveAsPngAsync(png);
                }

                break;
            case "l16":
                using (var image = new Image<L16>(64, 32, new L16(0x8000)))
                {
                    await image.SaveAsPngAsync(png);
                }

                break;
            default:
                using (var image = new Image<L8>(64, 32, new L8(200)))
                {
                    await image.SaveAsPngAsync(png);
                }

                break;
        }

        var derived = await ResizeAsync(new ImageSharpProcessor(Options.Create(new PipelineOptions())), png.ToArray(), 32);

        using var result = SixLabors.ImageSharp.Image.Load<Rgb24>(derived);
        var expected = kind switch { "rgb48" => new Rgb24(192, 64, 32), "l16" => new Rgb24(128, 128, 128), _ => new Rgb24(200, 200, 200) };
        var pixel = result[16, 8];
        Assert.True(Math.Abs(pixel.R - expected.R) <= 3 && Math.Abs(pixel.G - expected.G) <= 3 && Math.Abs(pixel.B - expected.B) <= 3, $"expected {expected}, got {pixel}");
    }

    private static async Task<byte[]> ResizeAsync(ImageSharpProcessor processor, byte[] source, int size)
    {
        using var input = new MemoryStream(source);
        using var output = new MemoryStream();
        await processor.ResizeAsync(input, output, size, CancellationToken.None);
        return output.ToArray();
    }

    /// <summary>The derived asset colour-managed to sRGB against the original colour-managed to sRGB (or taken as sRGB), resized to its size.</summary>
    private static double ChannelDifference(byte[] original, byte[] derived, bool manageOriginal)
    {
        using var source = VipsImage.NewFromBuffer(original, access: NetVips.Enums.Access.Random);
        using var sourceSrgb = manageOriginal ? source.IccTransform("srgb", embedded: true) : source.Copy();
        using var output = VipsImage.NewFromBuffer(derived, access: NetVips.Enums.Access.Random);
        using var outputSrgb = output.IccTransform("srgb", embedded: true);
        using var resized = sourceSrgb.Resize((double)output.Width / source.Width, kernel: NetVips.Enums.Kernel.Cubic, vscale: (double)output.Height / source.Height);
        return MaxChannel(resized, outputSrgb);
    }

    private static double MaxChannel(VipsImage a, VipsImage b)
    {
        using var diff = (a.Cast(NetVips.Enums.BandFormat.Float) - b.Cast(NetVips.Enums.BandFormat.Float)).Abs();
        return Enumerable.Range(0, diff.Bands).Max(band =>
        {
            using var channel = diff.ExtractBand(band);
            return channel.Avg();
        });
    }

    /// <summary>A minimal ICC v2 output profile header for CMYK (no tags): enough for a reader to see its colour space.</summary>
    private static byte[] CmykProfileHeader()
    {
        var profile = new byte[132];
        BinaryPrimitives.WriteUInt32BigEndian(profile, 132);
        profile[8] = 2;
        profile[9] = 0x10;
        "prtr"u8.CopyTo(profile.AsSpan(12));
        "CMYK"u8.CopyTo(profile.AsSpan(16));
        "Lab "u8.CopyTo(profile.AsSpan(20));
        "acsp"u8.CopyTo(profile.AsSpan(36));
        return profile;
    }

    /// <summary>The JPEG without its APP2 ICC_PROFILE segments.</summary>
    private static byte[] StripIcc(byte[] jpeg)
    {
        var output = new List<byte>(jpeg[..2]);
        var i = 2;
        while (jpeg[i] == 0xFF && jpeg[i + 1] != 0xDA)
        {
            var length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (!(jpeg[i + 1] == 0xE2 && jpeg.AsSpan(i + 4, 12).SequenceEqual("ICC_PROFILE\0"u8)))
            {
                output.AddRange(jpeg[i..(i + 2 + length)]);
            }

            i += 2 + length;
        }

        output.AddRange(jpeg[i..]);
        return [.. output];
    }

    /// <summary>The JPEG with an APP2 ICC_PROFILE segment inserted right after SOI.</summary>
    private static byte[] WithIccSegment(byte[] jpeg, byte[] profile)
    {
        byte[] content = [.. "ICC_PROFILE\0"u8, 1, 1, .. profile];
        var length = content.Length + 2;
        return [.. jpeg[..2], 0xFF, 0xE2, (byte)(length >> 8), (byte)length, .. content, .. jpeg[2..]];
    }
}
