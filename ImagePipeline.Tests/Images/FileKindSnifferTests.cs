using System.Buffers.Binary;
using System.Text;
using ImagePipeline.Core.Images;
using ImagePipeline.Tests.Support;

namespace ImagePipeline.Tests.Images;

public sealed class FileKindSnifferTests
{
    public static TheoryData<string, byte[], string?> Heads() => new()
    {
        { "real HEIC", File.ReadAllBytes(TestPaths.Image("path-256x160.heic")), "HEIC" },
        { "real AVIF", File.ReadAllBytes(TestPaths.Image("path-256x160.avif")), "AVIF" },
        { "HEIF with mif1 major brand and heic compatible", Ftyp("mif1", "mif1", "heic"), "HEIC" },
        { "HEIF sequence", Ftyp("msf1", "msf1"), "HEIF" },
        { "AVIF sequence", Ftyp("avis", "avis", "msf1"), "AVIF" },
        { "Canon CR3", Ftyp("crx ", "crx ", "isom"), "Canon CR3" },
        { "MP4", Ftyp("isom", "isom", "avc1"), "MP4" },
        { "iPhone MOV", Ftyp("qt  ", "qt  "), "QuickTime (MOV)" },
        { "Canon CR2", [.. "II*\0"u8, 0x10, 0, 0, 0, .. "CR\x02\0"u8, 0, 0, 0, 0], "Canon CR2" },
        { "Olympus ORF", [.. "IIRO"u8, 8, 0, 0, 0], "Olympus ORF" },
        { "Panasonic RW2", [.. "IIU\0"u8, 8, 0, 0, 0], "Panasonic RW2" },
        { "Fujifilm RAF", "FUJIFILMCCD-RAW 0201FF393101"u8.ToArray(), "Fujifilm RAF" },
        { "DNG", Tiff(make: "Apple", dng: true, subIfds: false), "DNG" },
        { "Nikon NEF", Tiff(make: "NIKON CORPORATION", dng: false, subIfds: true), "Nikon NEF" },
        { "Sony ARW", Tiff(make: "SONY", dng: false, subIfds: true), "Sony ARW" },
        { "plain TIFF from a Nikon scanner (no sub-IFDs)", Tiff(make: "Nikon", dng: false, subIfds: false), null },
        { "PDF", "%PDF-1.7\n"u8.ToArray(), "PDF" },
        { "SVG", "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray(), "SVG" },
        { "ZIP", "PK\x03\x04\x14\0\0\0"u8.ToArray(), "ZIP" },
        { "Photoshop", "8BPS\0\x01"u8.ToArray(), "PSD" },
        { "WebM", [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81], "WebM or Matroska" },
        { "JPEG", File.ReadAllBytes(TestPaths.Image("path-2560x1600.jpg"))[..4096], null },
        { "PNG", File.ReadAllBytes(TestPaths.Image("rgba-alpha.png"))[..64], null },
        { "WebP", File.ReadAllBytes(TestPaths.Image("1.webp"))[..64], null },
        { "random", [0x13, 0x37, 0x42, 0x00, 0x11, 0x22, 0x33, 0x44], null },
    };

    [Theory]
    [MemberData(nameof(Heads))]
    public void Names_what_it_recognises_and_leaves_images_alone(string name, byte[] head, string? kind)
    {
        var found = FileKindSniffer.Identify(head);

        Assert.True(kind == found?.Name, $"{name}: expected {kind ?? "nothing"}, got {found?.Name ?? "nothing"}");
        if (found is not null)
        {
            Assert.Contains(found.Name, found.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_first_64_bytes_are_enough_for_HEIC_and_AVIF_as_the_upload_page_sends()
    {
        Assert.Equal("HEIC", FileKindSniffer.Identify(File.ReadAllBytes(TestPaths.Image("path-256x160.heic"))[..FileKindSniffer.ClientHeadLength])?.Name);
        Assert.Equal("AVIF", FileKindSniffer.Identify(File.ReadAllBytes(TestPaths.Image("path-256x160.avif"))[..FileKindSniffer.ClientHeadLength])?.Name);
    }

    [Theory]
    [InlineData("IMG_0001.HEIC", "", "HEIC")]
    [InlineData("x.bin", "image/heic", "HEIC")]
    [InlineData("DSC_0001.NEF", "", "Nikon NEF")]
    [InlineData("clip.mov", "video/quicktime", "QuickTime (MOV)")]
    [InlineData("photo.jpg", "image/jpeg", null)]
    public void Names_by_name_or_type_when_the_bytes_say_nothing(string name, string type, string? kind) =>
        Assert.Equal(kind, FileKindSniffer.FromNameOrType(name, type)?.Name);

    private static byte[] Ftyp(string major, params string[] compatible)
    {
        var box = new byte[16 + (compatible.Length * 4)];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        Encoding.ASCII.GetBytes("ftyp" + major, box.AsSpan(4));
        for (var i = 0; i < compatible.Length; i++)
        {
            Encoding.ASCII.GetBytes(compatible[i], box.AsSpan(16 + (i * 4)));
        }

        return box;
    }

    /// <summary>A little-endian TIFF header and first IFD with Make (and DNGVersion / SubIFDs when asked), as a camera writes them.</summary>
    private static byte[] Tiff(string make, bool dng, bool subIfds)
    {
        var entries = new List<(ushort Tag, ushort Type, uint Count, uint Value)>();
        var makeBytes = Encoding.ASCII.GetBytes(make + "\0");
        var count = 1 + (dng ? 1 : 0) + (subIfds ? 1 : 0);
        var dataOffset = (uint)(8 + 2 + (count * 12) + 4);
        entries.Add((0x010F, 2, (uint)makeBytes.Length, dataOffset));
        if (subIfds)
        {
            entries.Add((0x014A, 4, 1, 4096));
        }

        if (dng)
        {
            entries.Add((0xC612, 1, 4, 0x00000401));
        }

        var bytes = new byte[dataOffset + makeBytes.Length + 16];
        "II*\0"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)count);
        for (var i = 0; i < entries.Count; i++)
        {
            var at = 10 + (i * 12);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), entries[i].Tag);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at + 2), entries[i].Type);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 4), entries[i].Count);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 8), entries[i].Value);
        }

        makeBytes.CopyTo(bytes, (int)dataOffset);
        return bytes;
    }
}
