namespace ImagePipeline.Core.Processing;

/// <summary>Makes the derived assets of an image. Outputs are upright, without EXIF/GPS/XMP/IPTC, never enlarged;
/// a non-sRGB RGB original's ICC profile goes with its pixels (see <see cref="ColourProfile"/>).</summary>
public interface IImageProcessor
{
    /// <summary>The file extension of derived assets (<c>jpg</c> or <c>webp</c>).</summary>
    string AssetExtension { get; }

    /// <summary>The content type of derived assets.</summary>
    string AssetContentType { get; }

    /// <summary>Decodes <paramref name="source"/> once and writes it fitted within <paramref name="maxSize"/> px.</summary>
    /// <exception cref="CorruptImageException">The source can never be decoded (not worth a retry).</exception>
    Task ResizeAsync(Stream source, Stream output, int maxSize, CancellationToken cancellationToken);
}
