using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Metadata.Profiles.Xmp;
using SixLabors.ImageSharp.PixelFormats;

namespace ImagePipeline.Tests.Images;

/// <summary>Files as phones and editors write them, built in the test from the suite's own images.</summary>
public static class RealWorldFiles
{
    /// <summary>A minimal ISO-BMFF movie: ftyp, moov (with an mvhd) and mdat boxes.</summary>
    public static byte[] Mp4(int payload = 3000)
    {
        using var mp4 = new MemoryStream();
        Box(mp4, "ftyp", [.. "isom"u8, 0, 0, 2, 0, .. "isomiso2avc1mp41"u8]);
        var mvhd = new byte[100];
        BinaryPrimitives.WriteUInt32BigEndian(mvhd.AsSpan(12), 1000); // timescale
        BinaryPrimitives.WriteUInt32BigEndian(mvhd.AsSpan(16), 1500); // duration
        BinaryPrimitives.WriteUInt32BigEndian(mvhd.AsSpan(20), 0x00010000); // rate 1.0
        mvhd[24] = 1; // volume 1.0
        using (var moov = new MemoryStream())
        {
            Box(moov, "mvhd", mvhd);
            Box(mp4, "moov", moov.ToArray());
        }

        var data = new byte[payload];
        new Random(5).NextBytes(data);
        Box(mp4, "mdat", data);
        return mp4.ToArray();
    }

    /// <summary>A Samsung-style SEF trailer: tagged data blocks, then a SEFH directory, its length and "SEFT" as the last four bytes.</summary>
    public static byte[] SefTrailer()
    {
        var block = "\0\0\x01\x0a\x0e\0\0\0Image_UTC_Data1700000000000"u8.ToArray();
        var header = new List<byte>("SEFH"u8.ToArray());
        header.AddRange(BitConverter.GetBytes(107)); // version
        header.AddRange(BitConverter.GetBytes(1)); // entries
        header.AddRange([0, 0, 0x01, 0x0a]);
        header.AddRange(BitConverter.GetBytes(block.Length + 8 + header.Count));
        header.AddRange(BitConverter.GetBytes(block.Length));
        return [.. block, .. header, .. BitConverter.GetBytes(header.Count), .. "SEFT"u8];
    }

    /// <summary>The JPEG re-encoded with an XMP packet (Google motion photo style), so the packet says where the video starts.</summary>
    public static byte[] JpegWithXmp(byte[] jpeg, string xmp)
    {
        using var image = Image.Load(jpeg);
        image.Metadata.XmpProfile = new XmpProfile(Encoding.UTF8.GetBytes(xmp));
        using var output = new MemoryStream();
        image.SaveAsJpeg(output);
        return output.ToArray();
    }

    public static string GoogleMicroVideoXmp(long offsetFromEnd) =>
        $"""
        <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
        <rdf:Description rdf:about="" xmlns:GCamera="http://ns.google.com/photos/1.0/camera/"
         GCamera:MicroVideo="1" GCamera:MicroVideoVersion="1" GCamera:MicroVideoOffset="{offsetFromEnd}" GCamera:MicroVideoPresentationTimestampUs="500000"/>
        </rdf:RDF></x:xmpmeta>
        """;

    /// <summary>A small animated GIF: three frames of different colours, looping.</summary>
    public static byte[] AnimatedGif()
    {
        using var image = new Image<Rgba32>(40, 30, new Rgba32(255, 0, 0));
        foreach (var colour in new[] { new Rgba32(0, 255, 0), new Rgba32(0, 0, 255) })
        {
            using var frame = new Image<Rgba32>(40, 30, colour);
            frame.Frames.RootFrame.Metadata.GetGifMetadata().FrameDelay = 20;
            image.Frames.AddFrame(frame.Frames.RootFrame);
        }

        image.Metadata.GetGifMetadata().RepeatCount = 0;
        using var output = new MemoryStream();
        image.SaveAsGif(output);
        return output.ToArray();
    }

    private static void Box(Stream stream, string type, ReadOnlySpan<byte> content)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)(content.Length + 8));
        Encoding.ASCII.GetBytes(type, header[4..]);
        stream.Write(header);
        stream.Write(content);
    }
}
