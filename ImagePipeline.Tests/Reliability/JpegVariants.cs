using System.Text;

namespace ImagePipeline.Tests.Reliability;

/// <summary>Distinct bytes of the same JPEG: a COM segment right after SOI (inside the image, so even the image data differs from the original's).</summary>
public static class JpegVariants
{
    public static byte[] WithComment(byte[] jpeg, string comment)
    {
        var text = Encoding.ASCII.GetBytes(comment);
        var length = text.Length + 2;
        return [.. jpeg[..2], 0xFF, 0xFE, (byte)(length >> 8), (byte)length, .. text, .. jpeg[2..]];
    }
}
