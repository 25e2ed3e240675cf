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

    /// <summary>
    /// As <see cref="ResizeAsync(Stream, Stream, int, CancellationToken)"/>, and hands back the pixels it wrote, for a smaller
    /// asset to be made from them (<see cref="ResizeAsync(AssetPixels, Stream, int, CancellationToken)"/>); null when this engine
    /// cannot (the caller then makes the smaller asset from the file).
    /// </summary>
    async Task<AssetPixels?> ResizeKeepingPixelsAsync(Stream source, Stream output, int maxSize, CancellationToken cancellationToken)
    {
        await ResizeAsync(source, output, maxSize, cancellationToken);
        return null;
    }

    /// <summary>Writes <paramref name="source"/> (an asset's pixels) fitted within <paramref name="maxSize"/> px, as if decoded from that asset.</summary>
    Task ResizeAsync(AssetPixels source, Stream output, int maxSize, CancellationToken cancellationToken) =>
        throw new NotSupportedException("This engine does not keep pixels.");
}
