using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// The pixels of an asset just written, exactly as encoded (upright, no metadata but a kept ICC profile), so a smaller asset
/// can be made from them without reading and decoding the file again. Owns its pixel buffer: dispose it.
/// </summary>
public sealed class AssetPixels : IDisposable
{
    private readonly Image<Rgb24> _image;
    private bool _disposed;

    internal AssetPixels(Image<Rgb24> image) => _image = image;

    public int Width => Image.Width;

    public int Height => Image.Height;

    internal Image<Rgb24> Image
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _image;
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _image.Dispose();
    }
}
