using System.Buffers.Binary;
using System.Text;

namespace ImagePipeline.Core.Images;

/// <summary>A recognisable file we do not accept, with what to tell the person who chose it.</summary>
public sealed record FileKind(string Name, string Detail);

/// <summary>
/// Recognises files we cannot take by their first bytes (HEIC/HEIF and AVIF by their <c>ftyp</c> brand, camera RAW files,
/// including the TIFF-based ones before anything takes them for a TIFF, PDF, SVG, videos, archives), so the refusal
/// can say what the file is and what to do. The one table for the server and the upload page.
/// </summary>
public static class FileKindSniffer
{
    /// <summary>How many leading bytes the upload page sends; enough for every signature except the TIFF-based RAW makes.</summary>
    public const int ClientHeadLength = 64;

    /// <summary>How many leading bytes the server reads: enough for the first IFD of a TIFF-based RAW file.</summary>
    public const int ServerHeadLength = 64 * 1024;

    private const string Accepted = "JPEG, PNG, GIF, WebP, BMP or TIFF";

    public static readonly FileKind Heic = new("HEIC",
        "This is a HEIC photo, which is not supported yet. Export it as JPEG (on an iPhone: Settings › Camera › Formats › Most Compatible takes new photos as JPEG).");

    public static readonly FileKind Heif = new("HEIF", "This is a HEIF image, which is not supported yet. Export it as JPEG.");

    public static readonly FileKind Avif = new("AVIF", "This is an AVIF image, which is not supported yet. Export it as JPEG, PNG or WebP.");

    public static readonly FileKind JpegXl = new("JPEG XL", "This is a JPEG XL image, which is not supported yet. Export it as JPEG or PNG.");

    public static readonly FileKind Pdf = new("PDF", $"This is a PDF document, not a photo. Upload {Accepted} images.");

    public static readonly FileKind Svg = new("SVG", "This is an SVG drawing (vector graphics), which is not accepted. Export it as PNG.");

    public static readonly FileKind Psd = new("PSD", "This is a Photoshop document (PSD), which is not accepted. Export it as JPEG or PNG.");

    public static readonly FileKind Zip = new("ZIP", "This is a ZIP archive. Unpack it and upload the photos inside.");

    public static readonly FileKind Html = new("HTML", $"This is a web page (HTML), not a photo. Upload {Accepted} images.");

    private static readonly (string Extension, FileKind Kind)[] ByExtension =
    [
        (".heic", Heic), (".heif", Heif), (".hif", Heif), (".avif", Avif), (".jxl", JpegXl), (".pdf", Pdf), (".svg", Svg),
        (".psd", Psd), (".zip", Zip), (".html", Html), (".htm", Html),
        (".cr2", Raw("Canon CR2")), (".cr3", Raw("Canon CR3")), (".crw", Raw("Canon CRW")), (".nef", Raw("Nikon NEF")),
        (".nrw", Raw("Nikon NRW")), (".arw", Raw("Sony ARW")), (".srf", Raw("Sony SRF")), (".sr2", Raw("Sony SR2")),
        (".dng", Raw("DNG")), (".orf", Raw("Olympus ORF")), (".rw2", Raw("Panasonic RW2")), (".raf", Raw("Fujifilm RAF")),
        (".pef", Raw("Pentax PEF")), (".srw", Raw("Samsung SRW")), (".x3f", Raw("Sigma X3F")), (".3fr", Raw("Hasselblad 3FR")),
        (".mp4", Video("MP4")), (".m4v", Video("MP4")), (".mov", Video("QuickTime (MOV)")), (".3gp", Video("3GP")),
        (".avi", Video("AVI")), (".webm", Video("WebM")), (".mkv", Video("Matroska (MKV)")),
    ];

    /// <summary>What the first bytes of a file say it is, when it is something we recognise and do not accept; otherwise null.</summary>
    public static FileKind? Identify(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            return IsoMedia(head);
        }

        if (head.Length >= 4 && (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8)))
        {
            return TiffBasedRaw(head);
        }

        return Signature(head);
    }

    /// <summary>For the upload page when the bytes say nothing: what the name or the browser's type suggests.</summary>
    public static FileKind? FromNameOrType(string name, string type)
    {
        var extension = Path.GetExtension(name);
        foreach (var (ext, kind) in ByExtension)
        {
            if (string.Equals(ext, extension, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        return type.ToLowerInvariant() switch
        {
            "image/heic" or "image/heic-sequence" => Heic,
            "image/heif" or "image/heif-sequence" => Heif,
            "image/avif" => Avif,
            "image/jxl" => JpegXl,
            "application/pdf" => Pdf,
            "image/svg+xml" => Svg,
            "application/zip" or "application/x-zip-compressed" => Zip,
            "text/html" => Html,
            "image/vnd.adobe.photoshop" => Psd,
            var t when t.StartsWith("video/", StringComparison.Ordinal) => Video(t["video/".Length..].ToUpperInvariant()),
            _ => null,
        };
    }

    private static FileKind Raw(string name) =>
        new(name, $"This is a {name} camera RAW file, which cannot be shown. Export it as JPEG from your camera's or photo editor's software.");

    private static FileKind Video(string name) =>
        new(name, $"This is a {name} video; only photos can be uploaded ({Accepted}).");

    private static FileKind IsoMedia(ReadOnlySpan<byte> head)
    {
        var size = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(head), (uint)head.Length);
        var major = Encoding.ASCII.GetString(head[8..12]);
        var brands = new List<string> { major };
        for (var i = 16; i + 4 <= size; i += 4)
        {
            brands.Add(Encoding.ASCII.GetString(head[i..(i + 4)]));
        }

        // The major brand decides; a generic HEIF major brand (mif1, msf1) is refined by the compatible brands.
        var generic = major is "mif1" or "msf1" or "miaf" or "mif2";
        foreach (var brand in generic ? brands.Skip(1).OrderBy(b => b is "mif1" or "msf1" or "miaf" or "mif2").Append(major) : brands.Take(1))
        {
            switch (brand)
            {
                case "avif" or "avis":
                    return Avif;
                case "heic" or "heix" or "hevc" or "hevx" or "heim" or "heis" or "hevm" or "hevs":
                    return Heic;
                case "mif1" or "msf1" or "miaf" or "mif2":
                    return Heif;
                case "crx ":
                    return Raw("Canon CR3");
                case "jxl ":
                    return JpegXl;
                case "qt  ":
                    return Video("QuickTime (MOV)");
                case var b when b.StartsWith("3g", StringComparison.Ordinal):
                    return Video("3GP");
            }
        }

        return Video("MP4");
    }

    private static FileKind? TiffBasedRaw(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 10 && head[8] == (byte)'C' && head[9] == (byte)'R')
        {
            return Raw("Canon CR2");
        }

        // Walk the first IFD: a DNG says so (DNGVersion); a camera's RAW has a Make and sub-IFDs for the raw data.
        var little = head[0] == (byte)'I';
        if (head.Length < 8)
        {
            return null;
        }

        var ifd = ReadUInt32(head[4..], little);
        if (ifd < 8 || ifd > head.Length - 2)
        {
            return null;
        }

        int count = ReadUInt16(head[(int)ifd..], little);
        string? make = null;
        var hasSubIfds = false;
        for (var i = 0; i < count; i++)
        {
            var entry = (int)ifd + 2 + (i * 12);
            if (entry + 12 > head.Length)
            {
                break;
            }

            var tag = ReadUInt16(head[entry..], little);
            switch (tag)
            {
                case 0xC612:
                    return Raw("DNG");
                case 0x014A:
                    hasSubIfds = true;
                    break;
                case 0x010F:
                    make = AsciiValue(head, entry, little);
                    break;
            }
        }

        if (!hasSubIfds || make is null)
        {
            return null;
        }

        var upper = make.ToUpperInvariant();
        return upper switch
        {
            _ when upper.StartsWith("NIKON", StringComparison.Ordinal) => Raw("Nikon NEF"),
            _ when upper.StartsWith("SONY", StringComparison.Ordinal) => Raw("Sony ARW"),
            _ when upper.StartsWith("CANON", StringComparison.Ordinal) => Raw("Canon CR2"),
            _ when upper.StartsWith("PENTAX", StringComparison.Ordinal) || upper.StartsWith("RICOH", StringComparison.Ordinal) => Raw("Pentax PEF"),
            _ when upper.StartsWith("SAMSUNG", StringComparison.Ordinal) => Raw("Samsung SRW"),
            _ when upper.StartsWith("OLYMPUS", StringComparison.Ordinal) || upper.StartsWith("OM DIGITAL", StringComparison.Ordinal) => Raw("Olympus ORF"),
            _ when upper.StartsWith("HASSELBLAD", StringComparison.Ordinal) => Raw("Hasselblad 3FR"),
            _ => Raw($"{make.Trim()} RAW"),
        };
    }

    private static FileKind? Signature(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("IIRO"u8) || head.StartsWith("IIRS"u8) || head.StartsWith("MMOR"u8))
        {
            return Raw("Olympus ORF");
        }

        if (head.StartsWith("IIU\0"u8))
        {
            return Raw("Panasonic RW2");
        }

        if (head.StartsWith("FUJIFILMCCD-RAW"u8))
        {
            return Raw("Fujifilm RAF");
        }

        if (head.Length >= 14 && head.StartsWith("II\x1a\0\0\0"u8) && head[6..14].SequenceEqual("HEAPCCDR"u8))
        {
            return Raw("Canon CRW");
        }

        if (head.StartsWith("FOVb"u8))
        {
            return Raw("Sigma X3F");
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x0A]) || head.StartsWith("\0\0\0\x0CJXL "u8))
        {
            return JpegXl;
        }

        if (head.StartsWith("%PDF-"u8))
        {
            return Pdf;
        }

        if (head.StartsWith("8BPS"u8))
        {
            return Psd;
        }

        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8))
        {
            return Zip;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
        {
            return Video("WebM or Matroska");
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("AVI "u8))
        {
            return Video("AVI");
        }

        if (head.Length >= 8 && (head[4..8].SequenceEqual("moov"u8) || head[4..8].SequenceEqual("mdat"u8) || head[4..8].SequenceEqual("wide"u8)))
        {
            return Video("QuickTime (MOV)");
        }

        return Markup(head);
    }

    private static FileKind? Markup(ReadOnlySpan<byte> head)
    {
        var text = Encoding.UTF8.GetString(head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? head[3..] : head).TrimStart();
        if (!text.StartsWith('<'))
        {
            return null;
        }

        if (text.StartsWith("<svg", StringComparison.OrdinalIgnoreCase)
            || (text.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) && text.Contains("<svg", StringComparison.OrdinalIgnoreCase)))
        {
            return Svg;
        }

        return text.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || text.StartsWith("<html", StringComparison.OrdinalIgnoreCase)
            ? Html
            : null;
    }

    private static string? AsciiValue(ReadOnlySpan<byte> head, int entry, bool little)
    {
        var type = ReadUInt16(head[(entry + 2)..], little);
        var count = ReadUInt32(head[(entry + 4)..], little);
        if (type != 2 || count == 0 || count > 256)
        {
            return null;
        }

        var offset = count <= 4 ? (uint)(entry + 8) : ReadUInt32(head[(entry + 8)..], little);
        if (offset + count > head.Length)
        {
            return null;
        }

        return Encoding.ASCII.GetString(head.Slice((int)offset, (int)count)).TrimEnd('\0', ' ');
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b) : BinaryPrimitives.ReadUInt16BigEndian(b);

    private static uint ReadUInt32(ReadOnlySpan<byte> b, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b);
}
