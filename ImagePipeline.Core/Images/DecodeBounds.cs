using System.Buffers.Binary;
using System.IO.Compression;
using ImagePipeline.Core.Processing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SharpImage = SixLabors.ImageSharp.Image;

namespace ImagePipeline.Core.Images;

/// <summary>What decoding an image will cost: the size of its (first) frame and the bytes the decode holds.</summary>
public sealed record DecodeEstimate(int Width, int Height, int Frames, long DecodedBytes);

/// <summary>
/// Bounds what a decode can cost, from the file's structure alone (no pixel is decoded, no text is kept). The pixel limit
/// reads one size from a header, but ImageSharp 2.1 gives every GIF/WebP frame a full canvas, reads every TIFF page and
/// inflates every PNG text chunk: so frames, pages, every page's size and the text chunks are walked and bounded here,
/// and the decoded size (frames × canvas × bytes per pixel) must stay within <c>MaxPixels</c> × 4 bytes.
/// The app decodes only the first GIF frame and TIFF page (<see cref="ImageSharpConfiguration"/>); WebP has no such option
/// in ImageSharp 2.1, so an animated WebP counts all its frames.
/// </summary>
public static class DecodeBounds
{
    /// <summary>Frames of a GIF or WebP.</summary>
    public const int MaxFrames = 1000;

    /// <summary>Pages (image file directories) of a TIFF.</summary>
    public const int MaxPages = 256;

    /// <summary>PNG text (<c>tEXt</c>, <c>zTXt</c>, <c>iTXt</c>) and ICC profile bytes, after inflating, all chunks together.</summary>
    public const long MaxTextBytes = 8L * 1024 * 1024;

    /// <summary>Decoded bytes allowed per pixel of the limit: <c>MaxPixels</c> × 4 (an RGBA frame).</summary>
    public const int BytesPerPixelOfLimit = 4;

    public static long DecodedLimit(long maxPixels) => maxPixels > long.MaxValue / BytesPerPixelOfLimit ? long.MaxValue : maxPixels * BytesPerPixelOfLimit;

    /// <summary>The upload's check, before the header is identified: refuses (422) what no decode should attempt.</summary>
    public static void EnsureWithin(Stream stream, IImageFormat format, long maxPixels)
    {
        var walk = Walk(stream, format, maxPixels);
        var refusal = walk.Refusal
            ?? (walk.DecodedBytes is { } bytes && bytes > DecodedLimit(maxPixels) ? TooLarge(bytes, maxPixels) : null);
        if (refusal is not null)
        {
            throw new UploadRejectedException(UploadRejection.Unprocessable, "Image too large to decode", refusal);
        }
    }

    /// <summary>
    /// The runner's check before it decodes (also covers originals restored from a backup or accepted under an older, higher
    /// limit): the decode's size, or <see cref="CorruptImageException"/> when it is beyond the bounds.
    /// </summary>
    public static DecodeEstimate Measure(Stream stream, long maxPixels)
    {
        var start = stream.Position;
        IImageFormat? format;
        try
        {
            format = SharpImage.DetectFormat(ImageSharpConfiguration.Instance, stream);
        }
        finally
        {
            stream.Position = start;
        }

        if (format is null)
        {
            throw new CorruptImageException("The image is not in a supported format.");
        }

        var walk = Walk(stream, format, maxPixels);
        stream.Position = start;
        if (walk.Refusal is { } refusal)
        {
            throw new CorruptImageException(refusal);
        }

        IImageInfo? info;
        try
        {
            info = SharpImage.Identify(ImageSharpConfiguration.Instance, stream);
        }
        catch (Exception ex) when (ex is ImageFormatException or InvalidDataException or EndOfStreamException
                                       or ArgumentException or IndexOutOfRangeException or OverflowException or NotSupportedException)
        {
            throw new CorruptImageException($"The {format.Name} header cannot be read.", ex);
        }
        finally
        {
            stream.Position = start;
        }

        if (info is null || info.Width <= 0 || info.Height <= 0)
        {
            throw new CorruptImageException($"The {format.Name} header has no usable dimensions.");
        }

        var pixels = (long)info.Width * info.Height;
        if (pixels > maxPixels)
        {
            throw new CorruptImageException(
                $"The image is {info.Width} × {info.Height} ({pixels / 1_000_000.0:0.#} megapixels); the limit is {maxPixels / 1_000_000.0:0.#} megapixels.");
        }

        var bytes = walk.DecodedBytes ?? pixels * (format is JpegFormat ? 3 : 4);
        if (bytes > DecodedLimit(maxPixels))
        {
            throw new CorruptImageException(TooLarge(bytes, maxPixels));
        }

        return new DecodeEstimate(info.Width, info.Height, walk.Frames, bytes);
    }

    private static string TooLarge(long bytes, long maxPixels) =>
        $"Decoding the image would take {bytes / (1024.0 * 1024.0):0} MB; the limit is {DecodedLimit(maxPixels) / (1024.0 * 1024.0):0} MB.";

    private readonly record struct WalkResult(string? Refusal, int Frames, long? DecodedBytes)
    {
        public static WalkResult Refuse(string reason) => new(reason, 0, null);
    }

    private static WalkResult Walk(Stream stream, IImageFormat format, long maxPixels)
    {
        var start = stream.Position;
        try
        {
            return format switch
            {
                PngFormat => WalkPng(stream),
                GifFormat => WalkGif(stream, maxPixels),
                WebpFormat => WalkWebp(stream),
                TiffFormat => WalkTiff(stream, maxPixels),
                _ => new WalkResult(null, 1, null),
            };
        }
        catch (EndOfStreamException)
        {
            // A cut-off structure: the format's own checks (and the decoder) deal with it.
            return new WalkResult(null, 1, null);
        }
        finally
        {
            stream.Position = start;
        }
    }

    // ---- PNG: text chunks and the ICC profile are inflated with a cap; 16-bit samples decode to 8 bytes a pixel. ----
    private static WalkResult WalkPng(Stream stream)
    {
        stream.Position = 8;
        Span<byte> head = stackalloc byte[8];
        long text = 0;
        long? decoded = null;
        while (stream.Position + 12 <= stream.Length)
        {
            stream.ReadExactly(head);
            var length = BinaryPrimitives.ReadUInt32BigEndian(head);
            var type = System.Text.Encoding.ASCII.GetString(head[4..]);
            if (length > int.MaxValue || stream.Position + length + 4 > stream.Length)
            {
                break;
            }

            switch (type)
            {
                case "IHDR" when length >= 13:
                    var ihdr = Read(stream, 13);
                    stream.Position += length - 13;
                    var pixels = (long)BinaryPrimitives.ReadUInt32BigEndian(ihdr) * BinaryPrimitives.ReadUInt32BigEndian(ihdr.AsSpan(4));
                    decoded = pixels * (ihdr[8] == 16 ? 8 : 4);
                    break;
                case "tEXt":
                    text += length;
                    if (text > MaxTextBytes)
                    {
                        return WalkResult.Refuse(TextTooLarge());
                    }

                    stream.Position += length;
                    break;
                case "zTXt" or "iCCP" or "iTXt":
                    if (text + length > MaxTextBytes)
                    {
                        return WalkResult.Refuse(TextTooLarge());
                    }

                    var data = Read(stream, (int)length);
                    var inflated = CompressedTextSize(type, data, MaxTextBytes - text);
                    if (inflated is null)
                    {
                        return WalkResult.Refuse(TextTooLarge());
                    }

                    text += inflated.Value;
                    break;
                case "IEND":
                    return new WalkResult(null, 1, decoded);
                default:
                    stream.Position += length;
                    break;
            }

            stream.Position += 4; // CRC
        }

        return new WalkResult(null, 1, decoded);
    }

    private static string TextTooLarge() =>
        $"The PNG's text chunks and colour profile come to more than {MaxTextBytes / (1024 * 1024)} MB once inflated.";

    /// <summary>The bytes a text chunk holds once inflated, or null when that exceeds <paramref name="budget"/> or cannot be inflated.</summary>
    private static long? CompressedTextSize(string type, byte[] data, long budget)
    {
        var keywordEnd = Array.IndexOf(data, (byte)0);
        if (keywordEnd < 0)
        {
            return data.Length;
        }

        int compressedStart;
        if (type == "iTXt")
        {
            // keyword \0, compression flag, method, language \0, translated keyword \0, text
            if (keywordEnd + 2 >= data.Length || data[keywordEnd + 1] == 0)
            {
                return data.Length;
            }

            var languageEnd = Array.IndexOf(data, (byte)0, keywordEnd + 3);
            var translatedEnd = languageEnd < 0 ? -1 : Array.IndexOf(data, (byte)0, languageEnd + 1);
            if (translatedEnd < 0)
            {
                return data.Length;
            }

            compressedStart = translatedEnd + 1;
        }
        else
        {
            compressedStart = keywordEnd + 2; // keyword \0, method
        }

        if (compressedStart > data.Length)
        {
            return data.Length;
        }

        try
        {
            using var zlib = new ZLibStream(new MemoryStream(data, compressedStart, data.Length - compressedStart), CompressionMode.Decompress);
            var buffer = new byte[64 * 1024];
            long total = compressedStart;
            int read;
            while ((read = zlib.Read(buffer)) > 0)
            {
                total += read;
                if (total > budget)
                {
                    return null;
                }
            }

            return total;
        }
        catch (InvalidDataException)
        {
            // Not inflatable: ImageSharp skips such a chunk; it costs only its own bytes.
            return data.Length;
        }
    }

    // ---- GIF: every frame is walked (no LZW decoded); only the first is decoded, onto the full canvas. ----
    private static WalkResult WalkGif(Stream stream, long maxPixels)
    {
        stream.Position = 6;
        var screen = Read(stream, 7);
        long canvas = (long)BinaryPrimitives.ReadUInt16LittleEndian(screen) * BinaryPrimitives.ReadUInt16LittleEndian(screen.AsSpan(2));
        if ((screen[4] & 0x80) != 0)
        {
            stream.Position += 3 * (1 << ((screen[4] & 7) + 1));
        }

        var frames = 0;
        long firstFrame = 0;
        while (true)
        {
            var block = stream.ReadByte();
            if (block is -1 or 0x3B)
            {
                break;
            }

            if (block == 0x21)
            {
                stream.ReadByte(); // label
                SkipSubBlocks(stream);
            }
            else if (block == 0x2C)
            {
                var descriptor = Read(stream, 9);
                var framePixels = (long)BinaryPrimitives.ReadUInt16LittleEndian(descriptor.AsSpan(4)) * BinaryPrimitives.ReadUInt16LittleEndian(descriptor.AsSpan(6));
                if (framePixels > maxPixels)
                {
                    return WalkResult.Refuse($"A GIF frame is {framePixels / 1_000_000.0:0.#} megapixels; the limit is {maxPixels / 1_000_000.0:0.#} megapixels.");
                }

                if (++frames > MaxFrames)
                {
                    return WalkResult.Refuse($"The GIF has more than {MaxFrames} frames.");
                }

                if (frames == 1)
                {
                    firstFrame = framePixels;
                }

                if ((descriptor[8] & 0x80) != 0)
                {
                    stream.Position += 3 * (1 << ((descriptor[8] & 7) + 1));
                }

                stream.ReadByte(); // LZW minimum code size
                SkipSubBlocks(stream);
            }
            else
            {
                break;
            }
        }

        // The first frame only (DecodingMode.First): the canvas (or a larger first frame) in RGBA.
        return new WalkResult(null, Math.Max(frames, 1), Math.Max(canvas, firstFrame) * 4);
    }

    private static void SkipSubBlocks(Stream stream)
    {
        int size;
        while ((size = stream.ReadByte()) > 0)
        {
            stream.Position += size;
        }

        if (size < 0 || stream.Position > stream.Length)
        {
            throw new EndOfStreamException();
        }
    }

    // ---- WebP: ImageSharp 2.1 decodes every frame of an animation onto a full canvas (no first-frame option). ----
    private static WalkResult WalkWebp(Stream stream)
    {
        stream.Position = 12;
        Span<byte> head = stackalloc byte[8];
        long canvas = 0;
        var frames = 0;
        while (stream.Position + 8 <= stream.Length)
        {
            stream.ReadExactly(head);
            var type = System.Text.Encoding.ASCII.GetString(head[..4]);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
            var next = stream.Position + size + (size & 1);
            if (type == "VP8X" && size >= 10)
            {
                var vp8x = Read(stream, 10);
                canvas = (long)(ReadUInt24(vp8x.AsSpan(4)) + 1) * (ReadUInt24(vp8x.AsSpan(7)) + 1);
            }
            else if (type == "ANMF")
            {
                if (++frames > MaxFrames)
                {
                    return WalkResult.Refuse($"The WebP animation has more than {MaxFrames} frames.");
                }
            }

            stream.Position = next;
        }

        return frames == 0 || canvas == 0
            ? new WalkResult(null, 1, null)
            : new WalkResult(null, frames, canvas * 4 * frames);
    }

    private static int ReadUInt24(ReadOnlySpan<byte> bytes) => bytes[0] | (bytes[1] << 8) | (bytes[2] << 16);

    // ---- TIFF: every page's size is checked and the pages are counted; only the first page is decoded. ----
    private static WalkResult WalkTiff(Stream stream, long maxPixels)
    {
        stream.Position = 0;
        var header = Read(stream, 8);
        var little = header[0] == (byte)'I';
        var version = Read16(header.AsSpan(2), little);
        var big = version == 43;
        long offset;
        if (big)
        {
            offset = (long)Read64(Read(stream, 8), little);
        }
        else
        {
            offset = Read32(header.AsSpan(4), little);
        }

        var visited = new HashSet<long>();
        var pages = 0;
        long firstPage = 0;
        while (offset > 0 && offset < stream.Length)
        {
            if (!visited.Add(offset))
            {
                return WalkResult.Refuse("The TIFF's pages form a loop.");
            }

            if (++pages > MaxPages)
            {
                return WalkResult.Refuse($"The TIFF has more than {MaxPages} pages.");
            }

            stream.Position = offset;
            var count = big ? (long)Read64(Read(stream, 8), little) : Read16(Read(stream, 2), little);
            if (count > 4096)
            {
                return WalkResult.Refuse("A TIFF page has more than 4096 tags.");
            }

            var entrySize = big ? 20 : 12;
            var entries = Read(stream, (int)(count * entrySize));
            long width = 0, height = 0, samples = 1, bits = 1;
            for (var i = 0; i < count; i++)
            {
                var entry = entries.AsSpan(i * entrySize, entrySize);
                var tag = Read16(entry, little);
                var type = Read16(entry[2..], little);
                var values = big ? (long)Read64(entry[4..], little) : Read32(entry[4..], little);
                var value = entry[(big ? 12 : 8)..];
                var valuesBytes = values * TypeSize(type);
                if (values < 0 || valuesBytes > stream.Length)
                {
                    return WalkResult.Refuse("A TIFF tag holds more values than the file has bytes.");
                }

                switch (tag)
                {
                    case 256:
                        width = Inline(type, value, little);
                        break;
                    case 257:
                        height = Inline(type, value, little);
                        break;
                    case 258 when type == 3 && valuesBytes <= value.Length:
                        bits = Read16(value, little);
                        break;
                    case 258 when type == 3:
                        bits = 16; // several samples stored elsewhere: assume the widest common depth
                        break;
                    case 277:
                        samples = Math.Max(1, Inline(type, value, little));
                        break;
                }
            }

            var pixels = width * height;
            if (pixels > maxPixels)
            {
                return WalkResult.Refuse($"Page {pages} of the TIFF is {width} × {height} ({pixels / 1_000_000.0:0.#} megapixels); the limit is {maxPixels / 1_000_000.0:0.#} megapixels.");
            }

            if (pages == 1)
            {
                var bitsPerPixel = bits * samples;
                firstPage = pixels * (bitsPerPixel <= 32 ? 4 : bitsPerPixel <= 64 ? 8 : 16);
            }

            offset = big ? (long)Math.Min(Read64(Read(stream, 8), little), long.MaxValue) : Read32(Read(stream, 4), little);
        }

        return new WalkResult(null, Math.Max(pages, 1), firstPage);
    }

    private static long Inline(int type, ReadOnlySpan<byte> value, bool little) => type switch
    {
        3 => Read16(value, little),
        4 => Read32(value, little),
        16 when value.Length >= 8 => (long)Math.Min(Read64(value, little), long.MaxValue),
        _ => 0,
    };

    private static long TypeSize(int type) => type switch
    {
        1 or 2 or 6 or 7 => 1,
        3 or 8 => 2,
        4 or 9 or 11 or 13 => 4,
        5 or 10 or 12 or 16 or 17 or 18 => 8,
        _ => 1,
    };

    private static int Read16(ReadOnlySpan<byte> bytes, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(bytes) : BinaryPrimitives.ReadUInt16BigEndian(bytes);

    private static long Read32(ReadOnlySpan<byte> bytes, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);

    private static ulong Read64(ReadOnlySpan<byte> bytes, bool little) =>
        little ? BinaryPrimitives.ReadUInt64LittleEndian(bytes) : BinaryPrimitives.ReadUInt64BigEndian(bytes);

    private static byte[] Read(Stream stream, int count)
    {
        if (count < 0 || stream.Position + count > stream.Length)
        {
            throw new EndOfStreamException();
        }

        var bytes = new byte[count];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
