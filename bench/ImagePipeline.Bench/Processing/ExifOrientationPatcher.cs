using System.Buffers.Binary;

namespace ImagePipeline.Bench.Processing;

/// <summary>Rewrites the EXIF Orientation value of a JPEG in place (same pixels, same size), to compare orientations fairly.</summary>
public static class ExifOrientationPatcher
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/> with Orientation set to <paramref name="orientation"/>.</summary>
    public static void Copy(string source, string target, ushort orientation)
    {
        var bytes = File.ReadAllBytes(source);
        var offset = FindOrientationValue(bytes) ?? throw new InvalidOperationException($"{source} has no EXIF Orientation tag.");
        var (littleEndian, position) = offset;
        if (littleEndian)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(position), orientation);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(position), orientation);
        }

        File.WriteAllBytes(target, bytes);
    }

    private static (bool LittleEndian, int Position)? FindOrientationValue(byte[] jpeg)
    {
        var i = 2;
        while (i + 4 < jpeg.Length && jpeg[i] == 0xFF)
        {
            var marker = jpeg[i + 1];
            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
            if (marker == 0xE1 && jpeg.AsSpan(i + 4, 6).SequenceEqual("Exif\0\0"u8))
            {
                var tiff = i + 10;
                var little = jpeg[tiff] == (byte)'I';
                ushort U16(int at) => little ? BinaryPrimitives.ReadUInt16LittleEndian(jpeg.AsSpan(at)) : BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at));
                uint U32(int at) => little ? BinaryPrimitives.ReadUInt32LittleEndian(jpeg.AsSpan(at)) : BinaryPrimitives.ReadUInt32BigEndian(jpeg.AsSpan(at));
                var ifd = tiff + (int)U32(tiff + 4);
                var entries = U16(ifd);
                for (var e = 0; e < entries; e++)
                {
                    var entry = ifd + 2 + (e * 12);
                    if (U16(entry) == 0x0112)
                    {
                        return (little, entry + 8);
                    }
                }

                return null;
            }

            if (marker == 0xDA)
            {
                return null;
            }

            i += 2 + length;
        }

        return null;
    }
}
