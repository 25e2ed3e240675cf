using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace ImagePipeline.Bench.EndToEnd;

/// <summary>Distinct upload bodies (the same bytes twice would be a duplicate): JPEGs with a comment after SOI, tiny PNGs.</summary>
public static class UploadFiles
{
    /// <summary><paramref name="jpeg"/> with a COM segment (<c>FF FE len text</c>) right after SOI; never anything after EOI.</summary>
    public static byte[] WithComment(byte[] jpeg, string text)
    {
        var comment = Encoding.ASCII.GetBytes(text);
        return WithSegments(jpeg, [comment]);
    }

    /// <summary>
    /// <paramref name="jpeg"/> padded to at least <paramref name="totalBytes"/> with a chain of full COM segments after SOI
    /// (the first carrying <paramref name="tag"/> so every copy is distinct): still a valid JPEG.
    /// </summary>
    public static byte[] Padded(byte[] jpeg, long totalBytes, string tag)
    {
        const int maxPayload = 0xFFFF - 2;
        var segments = new List<byte[]> { Encoding.ASCII.GetBytes(tag) };
        var size = jpeg.Length + 4L + segments[0].Length;
        var random = new Random(tag.GetHashCode(StringComparison.Ordinal));
        while (size < totalBytes)
        {
            var payload = new byte[maxPayload];
            random.NextBytes(payload);
            segments.Add(payload);
            size += 4 + maxPayload;
        }

        return WithSegments(jpeg, segments);
    }

    private static byte[] WithSegments(byte[] jpeg, IReadOnlyList<byte[]> payloads)
    {
        if (jpeg is not [0xFF, 0xD8, ..])
        {
            throw new ArgumentException("Not a JPEG (no SOI).", nameof(jpeg));
        }

        var extra = payloads.Sum(p => 4 + p.Length);
        var result = new byte[jpeg.Length + extra];
        result[0] = 0xFF;
        result[1] = 0xD8;
        var at = 2;
        foreach (var payload in payloads)
        {
            var length = payload.Length + 2;
            result[at++] = 0xFF;
            result[at++] = 0xFE;
            result[at++] = (byte)(length >> 8);
            result[at++] = (byte)length;
            payload.CopyTo(result, at);
            at += payload.Length;
        }

        jpeg.AsSpan(2).CopyTo(result.AsSpan(at));
        return result;
    }

    /// <summary>A 64×48 RGB PNG whose pixels encode <paramref name="n"/>: distinct for every n.</summary>
    public static byte[] TinyPng(int n)
    {
        using var image = new Image<Rgb24>(64, 48);
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (var x = 0; x < row.Length; x++)
                {
                    row[x] = new Rgb24((byte)(x * 4), (byte)(y * 5), (byte)(n + x + y));
                }
            }
        });
        image[0, 0] = new Rgb24((byte)n, (byte)(n >> 8), (byte)(n >> 16));
        using var stream = new MemoryStream();
        image.Save(stream, new PngEncoder());
        return stream.ToArray();
    }
}
