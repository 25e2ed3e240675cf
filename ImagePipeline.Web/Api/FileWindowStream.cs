namespace ImagePipeline.Web.Api;

/// <summary>A read-only, seekable window onto part of a file (a motion photo's video inside its original).</summary>
internal sealed class FileWindowStream : Stream
{
    private readonly Stream _file;
    private readonly long _offset;
    private readonly long _length;
    private long _position;

    /// <summary>A window over <paramref name="inner"/> (seekable; owned and disposed by the window).</summary>
    public FileWindowStream(Stream inner, long offset, long length)
    {
        _file = inner;
        if (offset < 0 || length < 0 || offset + length > _file.Length)
        {
            _file.Dispose();
            throw new ArgumentOutOfRangeException(nameof(length), "The window lies outside the file.");
        }

        _offset = offset;
        _length = length;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = Math.Clamp(value, 0, _length);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, _length - _position);
        if (n <= 0)
        {
            return 0;
        }

        _file.Position = _offset + _position;
        var read = _file.Read(buffer[..n]);
        _position += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = (int)Math.Min(buffer.Length, _length - _position);
        if (n <= 0)
        {
            return 0;
        }

        _file.Position = _offset + _position;
        var read = await _file.ReadAsync(buffer[..n], cancellationToken);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => _length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }
}
