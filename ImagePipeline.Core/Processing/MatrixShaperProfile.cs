using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// An RGB matrix/TRC ("matrix-shaper") ICC profile — what ProPhoto, Adobe RGB, Display P3 and most camera and editor
/// exports carry — read from its bytes, and the conversion of pixels in it to sRGB: per-channel curves to linear light, the
/// profile's colorants to PCS XYZ (D50), the D50-adapted sRGB primaries back to linear sRGB, then the sRGB curve. This is the
/// relative colorimetric rendering lcms/libvips give such a profile (out-of-gamut colours clipped). Profiles built on lookup
/// tables (A2B0/A2B1) are not handled here.
/// </summary>
internal sealed class MatrixShaperProfile
{
    private const int EncodeSteps = 16384;

    // Linear sRGB → XYZ (D50), Bradford-adapted: the colorants of lcms' built-in sRGB profile.
    private static readonly double[,] SrgbToXyzD50 =
    {
        { 0.4360747, 0.3850649, 0.1430804 },
        { 0.2225045, 0.7168786, 0.0606169 },
        { 0.0139322, 0.0971045, 0.7141733 },
    };

    private static readonly byte[] SrgbEncode = BuildSrgbEncode();

    private readonly float[][] _toLinear;
    private readonly float[] _matrix;

    private MatrixShaperProfile(float[][] toLinear, float[] matrix)
    {
        _toLinear = toLinear;
        _matrix = matrix;
    }

    /// <summary>The profile when its bytes are an RGB matrix/TRC profile with an XYZ connection space; otherwise null.</summary>
    public static MatrixShaperProfile? TryParse(byte[] icc)
    {
        if (icc.Length < 132 || !icc.AsSpan(16, 4).SequenceEqual("RGB "u8) || !icc.AsSpan(20, 4).SequenceEqual("XYZ "u8))
        {
            return null;
        }

        var tags = ReadTags(icc);
        if (tags is null || tags.ContainsKey("A2B0") || tags.ContainsKey("A2B1"))
        {
            return null;
        }

        var colorants = new double[3, 3];
        var curves = new float[3][];
        string[] xyz = ["rXYZ", "gXYZ", "bXYZ"];
        string[] trc = ["rTRC", "gTRC", "bTRC"];
        for (var channel = 0; channel < 3; channel++)
        {
            if (!tags.TryGetValue(xyz[channel], out var x) || !tags.TryGetValue(trc[channel], out var t)
                || ReadXyz(icc.AsSpan(x.Offset, x.Size)) is not { } colorant
                || ReadCurve(icc.AsSpan(t.Offset, t.Size)) is not { } curve)
            {
                return null;
            }

            for (var row = 0; row < 3; row++)
            {
                colorants[row, channel] = colorant[row];
            }

            curves[channel] = curve;
        }

        var toSrgb = Multiply(Invert(SrgbToXyzD50), colorants);
        var matrix = new float[9];
        for (var i = 0; i < 9; i++)
        {
            matrix[i] = (float)toSrgb[i / 3, i % 3];
        }

        return new MatrixShaperProfile(curves, matrix);
    }

    /// <summary>Converts the pixels, which are in this profile's space, to sRGB in place.</summary>
    public void ConvertToSrgb(Image<Rgb24> image)
    {
        var (r, g, b, m) = (_toLinear[0], _toLinear[1], _toLinear[2], _matrix);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                foreach (ref var pixel in rows.GetRowSpan(y))
                {
                    var lr = r[pixel.R];
                    var lg = g[pixel.G];
                    var lb = b[pixel.B];
                    pixel.R = Encode((m[0] * lr) + (m[1] * lg) + (m[2] * lb));
                    pixel.G = Encode((m[3] * lr) + (m[4] * lg) + (m[5] * lb));
                    pixel.B = Encode((m[6] * lr) + (m[7] * lg) + (m[8] * lb));
                }
            }
        });
    }

    private static byte Encode(float linear) =>
        SrgbEncode[linear <= 0 ? 0 : linear >= 1 ? EncodeSteps - 1 : (int)((linear * (EncodeSteps - 1)) + 0.5f)];

    private static byte[] BuildSrgbEncode()
    {
        var table = new byte[EncodeSteps];
        for (var i = 0; i < EncodeSteps; i++)
        {
            var v = (double)i / (EncodeSteps - 1);
            var encoded = v <= 0.0031308 ? 12.92 * v : (1.055 * Math.Pow(v, 1 / 2.4)) - 0.055;
            table[i] = (byte)Math.Clamp(Math.Round(encoded * 255), 0, 255);
        }

        return table;
    }

    private static Dictionary<string, (int Offset, int Size)>? ReadTags(byte[] icc)
    {
        var count = BinaryPrimitives.ReadUInt32BigEndian(icc.AsSpan(128));
        if (count > 1000 || 132 + (count * 12) > icc.Length)
        {
            return null;
        }

        var tags = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var entry = icc.AsSpan(132 + (i * 12), 12);
            var offset = BinaryPrimitives.ReadUInt32BigEndian(entry[4..]);
            var size = BinaryPrimitives.ReadUInt32BigEndian(entry[8..]);
            if (offset > icc.Length || size > icc.Length - offset)
            {
                return null;
            }

            tags[Encoding.ASCII.GetString(entry[..4])] = ((int)offset, (int)size);
        }

        return tags;
    }

    private static double[]? ReadXyz(ReadOnlySpan<byte> tag) =>
        tag.Length >= 20 && tag[..4].SequenceEqual("XYZ "u8)
            ? [Fixed(tag[8..]), Fixed(tag[12..]), Fixed(tag[16..])]
            : null;

    /// <summary>A 'curv' (identity, gamma or table) or 'para' (types 0–4) curve as a table from 8-bit code to linear light.</summary>
    private static float[]? ReadCurve(ReadOnlySpan<byte> tag)
    {
        if (tag.Length < 12)
        {
            return null;
        }

        Func<double, double>? curve = null;
        if (tag[..4].SequenceEqual("curv"u8))
        {
            var count = BinaryPrimitives.ReadUInt32BigEndian(tag[8..]);
            if (count == 0)
            {
                curve = x => x;
            }
            else if (count == 1 && tag.Length >= 14)
            {
                var gamma = BinaryPrimitives.ReadUInt16BigEndian(tag[12..]) / 256.0;
                curve = x => Math.Pow(x, gamma);
            }
            else if (count >= 2 && tag.Length >= 12 + (count * 2))
            {
                var table = new double[count];
                for (var i = 0; i < count; i++)
                {
                    table[i] = BinaryPrimitives.ReadUInt16BigEndian(tag[(12 + (i * 2))..]) / 65535.0;
                }

                curve = x =>
                {
                    var position = x * (table.Length - 1);
                    var low = (int)Math.Floor(position);
                    var high = Math.Min(low + 1, table.Length - 1);
                    return table[low] + ((table[high] - table[low]) * (position - low));
                };
            }
        }
        else if (tag[..4].SequenceEqual("para"u8))
        {
            curve = Parametric(tag);
        }

        if (curve is null)
        {
            return null;
        }

        var result = new float[256];
        for (var i = 0; i < 256; i++)
        {
            result[i] = (float)Math.Clamp(curve(i / 255.0), 0, 1);
        }

        return result;
    }

    private static Func<double, double>? Parametric(ReadOnlySpan<byte> tag)
    {
        var type = BinaryPrimitives.ReadUInt16BigEndian(tag[8..]);
        int[] counts = [1, 3, 4, 5, 7];
        if (type >= counts.Length || tag.Length < 12 + (counts[type] * 4))
        {
            return null;
        }

        var p = new double[7];
        for (var i = 0; i < counts[type]; i++)
        {
            p[i] = Fixed(tag[(12 + (i * 4))..]);
        }

        var (g, a, b, c, d, e, f) = (p[0], p[1], p[2], p[3], p[4], p[5], p[6]);
        return type switch
        {
            0 => x => Math.Pow(x, g),
            1 => x => x >= -b / a ? Math.Pow((a * x) + b, g) : 0,
            2 => x => x >= -b / a ? Math.Pow((a * x) + b, g) + c : c,
            3 => x => x >= d ? Math.Pow((a * x) + b, g) : c * x,
            _ => x => x >= d ? Math.Pow((a * x) + b, g) + e : (c * x) + f,
        };
    }

    private static double Fixed(ReadOnlySpan<byte> b) => BinaryPrimitives.ReadInt32BigEndian(b) / 65536.0;

    private static double[,] Multiply(double[,] x, double[,] y)
    {
        var result = new double[3, 3];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                for (var k = 0; k < 3; k++)
                {
                    result[i, j] += x[i, k] * y[k, j];
                }
            }
        }

        return result;
    }

    private static double[,] Invert(double[,] m)
    {
        var det = (m[0, 0] * ((m[1, 1] * m[2, 2]) - (m[1, 2] * m[2, 1])))
                  - (m[0, 1] * ((m[1, 0] * m[2, 2]) - (m[1, 2] * m[2, 0])))
                  + (m[0, 2] * ((m[1, 0] * m[2, 1]) - (m[1, 1] * m[2, 0])));
        return new double[,]
        {
            { ((m[1, 1] * m[2, 2]) - (m[1, 2] * m[2, 1])) / det, ((m[0, 2] * m[2, 1]) - (m[0, 1] * m[2, 2])) / det, ((m[0, 1] * m[1, 2]) - (m[0, 2] * m[1, 1])) / det },
            { ((m[1, 2] * m[2, 0]) - (m[1, 0] * m[2, 2])) / det, ((m[0, 0] * m[2, 2]) - (m[0, 2] * m[2, 0])) / det, ((m[0, 2] * m[1, 0]) - (m[0, 0] * m[1, 2])) / det },
            { ((m[1, 0] * m[2, 1]) - (m[1, 1] * m[2, 0])) / det, ((m[0, 1] * m[2, 0]) - (m[0, 0] * m[2, 1])) / det, ((m[0, 0] * m[1, 1]) - (m[0, 1] * m[1, 0])) / det },
        };
    }
}
