using System.Buffers.Binary;

namespace ImagePipeline.Tests.Support;

/// <summary>Images made in the test, for cases no real file covers.</summary>
public static class TestImages
{
    /// <summary>A PNG signature and a valid IHDR declaring the given size, then IEND: no pixel data at all.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // truecolour
        WriteChunk(png, "IHDR"u8, ihdr);
        WriteChunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    /// <summary>
    /// A GIF whose logical screen is <paramref name="width"/> × <paramref name="height"/> with <paramref name="frames"/> frames of
    /// one pixel each (a few bytes a frame): ImageSharp 2.1 gives every frame a full canvas when it decodes them all.
    /// </summary>
    public static byte[] GifTinyFrames(int width, int height, int frames, int firstFrameWidth = 1, int firstFrameHeight = 1)
    {
        using var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        WriteUInt16(gif, width);
        WriteUInt16(gif, height);
        gif.Write([0x80, 0x00, 0x00]); // global colour table of 2 entries, background 0, no aspect ratio
        gif.Write([0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF]);
        for (var i = 0; i < frames; i++)
        {
            gif.Write([0x21, 0xF9, 0x04, 0x04, 0x0A, 0x00, 0x00, 0x00]); // graphic control: 0.1 s, do not dispose
            gif.WriteByte(0x2C);
            WriteUInt16(gif, i % Math.Max(1, width));
            WriteUInt16(gif, 0);
            WriteUInt16(gif, i == 0 ? firstFrameWidth : 1);
            WriteUInt16(gif, i == 0 ? firstFrameHeight : 1);
            gif.WriteByte(0x00);
            gif.Write([0x02, 0x02, 0x44, 0x01, 0x00]); // LZW: clear, index 0, end (one pixel)
        }

        gif.WriteByte(0x3B);
        return gif.ToArray();
    }

    /// <summary>
    /// A little-endian TIFF of two uncompressed 8-bit grey pages; the second page's strip holds one byte whatever its size
    /// (a decoder that reads it allocates the whole page first).
    /// </summary>
    public static byte[] TiffTwoPages(int firstWidth, int firstHeight, int secondWidth, int secondHeight)
    {
        using var tiff = new MemoryStream();
        using var writer = new BinaryWriter(tiff);
        writer.Write("II"u8);
        writer.Write((ushort)42);
        writer.Write(8u); // first page's directory
        const int entries = 9;
        const int directorySize = 2 + (entries * 12) + 4;
        var firstDirectory = 8;
        var secondDirectory = firstDirectory + directorySize;
        var firstStrip = secondDirectory + directorySize;
        var firstStripBytes = firstWidth * firstHeight;
        var secondStrip = firstStrip + firstStripBytes;

        void Directory(int width, int height, int strip, int stripBytes, int next)
        {
            writer.Write((ushort)entries);
            void Entry(ushort tag, ushort type, uint value)
            {
                writer.Write(tag);
                writer.Write(type);
                writer.Write(1u);
                if (type == 3)
                {
                    writer.Write((ushort)value);
                    writer.Write((ushort)0);
                }
                else
                {
                    writer.Write(value);
                }
            }

            Entry(256, 4, (uint)width);
            Entry(257, 4, (uint)height);
            Entry(258, 3, 8);
            Entry(259, 3, 1); // no compression
            Entry(262, 3, 1); // black is zero
            Entry(273, 4, (uint)strip);
            Entry(277, 3, 1);
            Entry(278, 4, (uint)height);
            Entry(279, 4, (uint)stripBytes);
            writer.Write((uint)next);
        }

        Directory(firstWidth, firstHeight, firstStrip, firstStripBytes, secondDirectory);
        Directory(secondWidth, secondHeight, secondStrip, 1, 0);
        writer.Write(new byte[firstStripBytes]);
        writer.Write((byte)0x80);
        writer.Flush();
        return tiff.ToArray();
    }

    /// <summary>A valid 1×1 PNG with a <c>zTXt</c> chunk that inflates to <paramref name="inflatedBytes"/> (a compression bomb).</summary>
    public static byte[] PngWithTextBomb(long inflatedBytes)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, 1);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], 1);
        ihdr[8] = 8;
        ihdr[9] = 2;
        WriteChunk(png, "IHDR"u8, ihdr);

        using (var text = new MemoryStream())
        {
            text.Write("Comment\0\0"u8);
            using (var zlib = new System.IO.Compression.ZLibStream(text, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            {
                var zeros = new byte[1 << 20];
                for (long written = 0; written < inflatedBytes; written += zeros.Length)
                {
                    zlib.Write(zeros, 0, (int)Math.Min(zeros.Length, inflatedBytes - written));
                }
            }

            WriteChunk(png, "zTXt"u8, text.ToArray());
        }

        WriteChunk(png, "IDAT"u8, Zlib([0x00, 0x40, 0x80, 0xC0]));
        WriteChunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    private static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    private static void WriteUInt16(Stream stream, int value)
    {
        stream.WriteByte((byte)value);
        stream.WriteByte((byte)(value >> 8));
    }

    private static void WriteChunk(Stream stream, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        stream.Write(type);
        stream.Write(data);
        Span<byte> sum = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(sum, Crc32([.. type, .. data]));
        stream.Write(sum);
    }

    /// <summary>A small PNG whose bytes differ for every seed (a gradient with seeded noise): distinct uploads, never duplicates.</summary>
    public static byte[] DistinctPng(int seed, int width = 96, int height = 64)
    {
        using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(width, height);
        var random = new Random(seed);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    row[x] = new SixLabors.ImageSharp.PixelFormats.Rgb24((byte)(x * 2), (byte)(y * 3), (byte)random.Next(256));
                }
            }
        });
        using var stream = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, stream);
        return stream.ToArray();
    }

    /// <summary>The PNG chunk CRC (ISO 3309).</summary>
    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return crc ^ 0xFFFFFFFFu;
    }
}
