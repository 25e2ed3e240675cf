using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SixLabors.ImageSharp.Metadata.Profiles.Xmp;

namespace ImagePipeline.Core.Images;

/// <summary>Where a motion photo's video sits inside the original file.</summary>
public sealed record EmbeddedVideo(long Offset, long Length);

/// <summary>
/// Finds the MP4 a motion photo carries after its JPEG: where its XMP says (Google <c>GCamera:MicroVideoOffset</c>, or the
/// <c>MotionPhoto</c> item of a <c>Container:Directory</c>, both counted from the end of the file), after a Samsung
/// <c>MotionPhoto_Data</c> tag, or an ISO-BMFF <c>ftyp</c> box right after the image's end. The video is only taken when
/// an <c>ftyp</c> box is there and the boxes that follow hold a <c>moov</c>.
/// </summary>
public static partial class MotionPhoto
{
    private const int SamsungSearchWindow = 64 * 1024;

    public static EmbeddedVideo? Find(Stream stream, long imageEnd, XmpProfile? xmp)
    {
        var length = stream.Length;
        if (imageEnd >= length)
        {
            return null;
        }

        foreach (var fromEnd in XmpOffsets(xmp))
        {
            if (fromEnd > 0 && fromEnd <= length - imageEnd && Measure(stream, length - fromEnd) is { } video)
            {
                return video;
            }
        }

        return Measure(stream, imageEnd) ?? AfterSamsungTag(stream, imageEnd);
    }

    private static IEnumerable<long> XmpOffsets(XmpProfile? xmp)
    {
        byte[]? bytes;
        try
        {
            bytes = xmp?.ToByteArray();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            bytes = null;
        }

        if (bytes is null)
        {
            yield break;
        }

        var text = Encoding.UTF8.GetString(bytes);
        foreach (Match m in MicroVideoOffset().Matches(text))
        {
            if (long.TryParse(m.Groups["n"].Value, CultureInfo.InvariantCulture, out var n))
            {
                yield return n;
            }
        }

        foreach (Match item in ContainerItem().Matches(text))
        {
            if (item.Value.Contains("MotionPhoto", StringComparison.Ordinal)
                && ItemLength().Match(item.Value) is { Success: true } l
                && long.TryParse(l.Groups["n"].Value, CultureInfo.InvariantCulture, out var n))
            {
                yield return n;
            }
        }
    }

    private static EmbeddedVideo? AfterSamsungTag(Stream stream, long imageEnd)
    {
        var window = new byte[(int)Math.Min(SamsungSearchWindow, stream.Length - imageEnd)];
        stream.Position = imageEnd;
        stream.ReadExactly(window);
        var tag = window.AsSpan().IndexOf("MotionPhoto_Data"u8);
        return tag < 0 ? null : Measure(stream, imageEnd + tag + "MotionPhoto_Data"u8.Length);
    }

    /// <summary>The ISO-BMFF box sequence starting at <paramref name="start"/>: its length, when it opens with ftyp and holds a moov.</summary>
    private static EmbeddedVideo? Measure(Stream stream, long start)
    {
        var length = stream.Length;
        Span<byte> header = stackalloc byte[16];
        var position = start;
        var first = true;
        var sawMovie = false;
        while (position + 8 <= length)
        {
            stream.Position = position;
            stream.ReadExactly(header[..8]);
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            var type = header[4..8];
            if (first && !type.SequenceEqual("ftyp"u8))
            {
                return null;
            }

            foreach (var c in type)
            {
                if (c is < 0x20 or > 0x7E)
                {
                    return Result(start, position, sawMovie);
                }
            }

            if (size == 1)
            {
                if (position + 16 > length)
                {
                    break;
                }

                stream.ReadExactly(header[8..16]);
                size = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(header[8..]), long.MaxValue);
            }
            else if (size == 0)
            {
                size = length - position;
            }

            if (size < 8 || size > length - position)
            {
                break;
            }

            sawMovie |= type.SequenceEqual("moov"u8);
            first = false;
            position += size;
        }

        return Result(start, position, sawMovie);
    }

    private static EmbeddedVideo? Result(long start, long end, bool sawMovie) =>
        sawMovie && end > start ? new EmbeddedVideo(start, end - start) : null;

    [GeneratedRegex("""MicroVideoOffset(?:="|>)(?<n>\d{1,19})""")]
    private static partial Regex MicroVideoOffset();

    [GeneratedRegex("""<Container:Item\b[^>]*>""")]
    private static partial Regex ContainerItem();

    [GeneratedRegex("""Item:Length="(?<n>\d{1,19})""")]
    private static partial Regex ItemLength();
}
