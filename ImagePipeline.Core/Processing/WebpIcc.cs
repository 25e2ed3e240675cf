using System.Buffers.Binary;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// Puts an ICC profile into a WebP as ImageSharp 2.1's encoder does not: a VP8X header with the ICC flag, then an ICCP chunk
/// before the image data (the extended file format of the WebP container specification).
/// </summary>
internal static class WebpIcc
{
    private const byte IccFlag = 0x20;

    public static byte[] Embed(ReadOnlySpan<byte> webp, byte[] icc, int width, int height)
    {
        if (webp.Length < 20 || !webp[..4].SequenceEqual("RIFF"u8) || !webp[8..12].SequenceEqual("WEBP"u8))
        {
            throw new ArgumentException("Not a WebP file.", nameof(webp));
        }

        using var output = new MemoryStream(webp.Length + icc.Length + 40);
        output.Write("RIFF\0\0\0\0WEBP"u8);
        var chunks = webp[12..];
        if (chunks[..4].SequenceEqual("VP8X"u8))
        {
            var vp8x = chunks[..18].ToArray();
            vp8x[8] |= IccFlag;
            output.Write(vp8x);
            chunks = chunks[18..];
        }
        else
        {
            Span<byte> vp8x = stackalloc byte[18];
            "VP8X"u8.CopyTo(vp8x);
            BinaryPrimitives.WriteUInt32LittleEndian(vp8x[4..], 10);
            vp8x[8] = IccFlag;
            WriteUInt24(vp8x[12..], width - 1);
            WriteUInt24(vp8x[15..], height - 1);
            output.Write(vp8x);
        }

        Span<byte> header = stackalloc byte[8];
        "ICCP"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)icc.Length);
        output.Write(header);
        output.Write(icc);
        if ((icc.Length & 1) != 0)
        {
            output.WriteByte(0);
        }

        output.Write(chunks);
        var bytes = output.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(bytes.Length - 8));
        return bytes;
    }

    private static void WriteUInt24(Span<byte> destination, int value)
    {
        destination[0] = (byte)value;
        destination[1] = (byte)(value >> 8);
        destination[2] = (byte)(value >> 16);
    }
}
