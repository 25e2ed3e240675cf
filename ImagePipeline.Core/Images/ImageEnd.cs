using System.Buffers.Binary;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;

namespace ImagePipeline.Core.Images;

/// <summary>
/// Finds where an image ends by walking its structure (JPEG markers and the entropy-coded scan data, PNG chunks,
/// GIF blocks, the RIFF size), so a file cut off inside its image is told apart from one with bytes after its end
/// (camera trailers, motion-photo videos, padding), which is fine.
/// </summary>
public static class ImageEnd
{
    /// <summary>The offset just past the image's last byte, or null with the reason when the structure is cut off or broken.</summary>
    public static long? Find(Stream stream, IImageFormat format, out string? problem)
    {
        stream.Position = 0;
        var reader = new ByteReader(stream);
        problem = null;
        var end = format switch
        {
            JpegFormat => Jpeg(reader, out problem),
            PngFormat => Png(reader, out problem),
            GifFormat => Gif(reader, out problem),
            WebpFormat => Riff(stream, out problem),
            BmpFormat => Bmp(stream, out problem),
            _ => stream.Length,
        };
        return end;
    }

    private static long? Jpeg(ByteReader r, out string? problem)
    {
        problem = "it is cut off: its image data never reaches the end-of-image marker";
        if (r.ReadByte() != 0xFF || r.ReadByte() != 0xD8)
        {
            problem = "it does not start with a JPEG start-of-image marker";
            return null;
        }

        var marker = r.NextSegmentMarker();
        while (true)
        {
            switch (marker)
            {
                case ByteReader.EndOfFile:
                    return null;
                case ByteReader.NotAMarker or 0x00:
                    problem = $"its structure is broken at byte {r.Position - 1}: a marker was expected";
                    return null;
                case 0xD9:
                    problem = null;
                    return r.Position;
                case 0x01 or 0xD8 or (>= 0xD0 and <= 0xD7):
                    marker = r.NextSegmentMarker();
                    continue;
            }

            var high = r.ReadByte();
            var low = r.ReadByte();
            if (low < 0)
            {
                return null;
            }

            var length = (high << 8) | low;
            if (length < 2)
            {
                problem = $"its structure is broken at byte {r.Position - 2}: a segment length of {length}";
                return null;
            }

            if (!r.Skip(length - 2))
            {
                return null;
            }

            // After a start-of-scan header comes entropy-coded data, up to the next marker that is not a restart or a stuffed 0xFF.
            marker = marker == 0xDA ? r.NextMarkerInScan() : r.NextSegmentMarker();
        }
    }

    private static long? Png(ByteReader r, out string? problem)
    {
        problem = "it is cut off: the IEND chunk is missing";
        if (!r.Skip(8))
        {
            return null;
        }

        Span<byte> head = stackalloc byte[8];
        while (r.Read(head))
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(head);
            if (length > int.MaxValue)
            {
                problem = $"its structure is broken at byte {r.Position - 8}: a chunk length of {length}";
                return null;
            }

            if (!r.Skip(length + 4L))
            {
                return null;
            }

            if (head[4..].SequenceEqual("IEND"u8))
            {
                problem = null;
                return r.Position;
            }
        }

        return null;
    }

    private static long? Gif(ByteReader r, out string? problem)
    {
        problem = "it is cut off: the GIF trailer is missing";
        Span<byte> header = stackalloc byte[13];
        if (!r.Read(header))
        {
            return null;
        }

        if ((header[10] & 0x80) != 0 && !r.Skip(3L << ((header[10] & 0x07) + 1)))
        {
            return null;
        }

        Span<byte> descriptor = stackalloc byte[9];
        while (true)
        {
            switch (r.ReadByte())
            {
                case 0x3B:
                    problem = null;
                    return r.Position;
                case 0x21:
                    if (r.ReadByte() < 0 || !SkipSubBlocks(r))
                    {
                        return null;
                    }

                    break;
                case 0x2C:
                    if (!r.Read(descriptor)
                        || ((descriptor[8] & 0x80) != 0 && !r.Skip(3L << ((descriptor[8] & 0x07) + 1)))
                        || r.ReadByte() < 0
                        || !SkipSubBlocks(r))
                    {
                        return null;
                    }

                    break;
                case ByteReader.EndOfFile:
                    return null;
                default:
                    problem = $"its structure is broken at byte {r.Position - 1}: a block was expected";
                    return null;
            }
        }
    }

    private static bool SkipSubBlocks(ByteReader r)
    {
        int size;
        while ((size = r.ReadByte()) > 0)
        {
            if (!r.Skip(size))
            {
                return false;
            }
        }

        return size == 0;
    }

    private static long? Riff(Stream stream, out string? problem)
    {
        problem = "it is cut off: the file is shorter than its RIFF header says";
        Span<byte> header = stackalloc byte[8];
        stream.Position = 0;
        if (stream.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8)
        {
            return null;
        }

        var end = 8L + BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        end += end & 1;

        // Some writers leave out the pad byte of an odd last chunk.
        if (end > stream.Length + 1)
        {
            return null;
        }

        problem = null;
        return Math.Min(end, stream.Length);
    }

    private static long? Bmp(Stream stream, out string? problem)
    {
        problem = "it is cut off: the file is shorter than its header says";
        Span<byte> header = stackalloc byte[6];
        stream.Position = 0;
        if (stream.ReadAtLeast(header, 6, throwOnEndOfStream: false) < 6)
        {
            return null;
        }

        var declared = BinaryPrimitives.ReadUInt32LittleEndian(header[2..]);
        if (declared > stream.Length)
        {
            return null;
        }

        problem = null;
        return declared == 0 ? stream.Length : declared;
    }

    /// <summary>Buffered forward reading with cheap skips (seeks) and a fast search for 0xFF in scan data.</summary>
    private sealed class ByteReader(Stream stream)
    {
        public const int EndOfFile = -1;
        public const int NotAMarker = -2;

        private readonly byte[] _buffer = new byte[64 * 1024];
        private long _origin;
        private int _position;
        private int _length;

        public long Position => _origin + _position;

        public int ReadByte() => _position < _length || Fill() ? _buffer[_position++] : EndOfFile;

        public bool Read(Span<byte> destination)
        {
            for (var i = 0; i < destination.Length; i++)
            {
                var b = ReadByte();
                if (b < 0)
                {
                    return false;
                }

                destination[i] = (byte)b;
            }

            return true;
        }

        /// <summary>Skips <paramref name="count"/> bytes; false when the file ends before them.</summary>
        public bool Skip(long count)
        {
            if (count <= _length - _position)
            {
                _position += (int)count;
                return true;
            }

            var target = Position + count;
            if (target > stream.Length)
            {
                return false;
            }

            stream.Position = target;
            _origin = target;
            _position = _length = 0;
            return true;
        }

        /// <summary>Between segments: optional 0xFF fill bytes, then the marker code.</summary>
        public int NextSegmentMarker()
        {
            var b = ReadByte();
            if (b != 0xFF)
            {
                return b < 0 ? EndOfFile : NotAMarker;
            }

            return MarkerCode();
        }

        /// <summary>In entropy-coded data: the next marker that is neither a stuffed 0xFF00 nor a restart marker.</summary>
        public int NextMarkerInScan()
        {
            while (true)
            {
                if (_position >= _length && !Fill())
                {
                    return EndOfFile;
                }

                var found = _buffer.AsSpan(_position, _length - _position).IndexOf((byte)0xFF);
                if (found < 0)
                {
                    _position = _length;
                    continue;
                }

                _position += found + 1;
                var code = MarkerCode();
                if (code is 0x00 or (>= 0xD0 and <= 0xD7))
                {
                    continue;
                }

                return code;
            }
        }

        private int MarkerCode()
        {
            int code;
            do
            {
                code = ReadByte();
            }
            while (code == 0xFF);

            return code;
        }

        private bool Fill()
        {
            _origin += _length;
            _position = 0;
            _length = stream.Read(_buffer);
            return _length > 0;
        }
    }
}
