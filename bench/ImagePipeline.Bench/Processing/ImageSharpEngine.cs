using ImagePipeline.Core.Processing;

namespace ImagePipeline.Bench.Processing;

/// <summary>An <see cref="IImageProcessor"/> driven exactly as the handlers drive it: preview from the original, thumbnail from the preview,
/// through 64 KiB asynchronous file streams like <c>FileSystemAssetStorage</c>.</summary>
public sealed class ImageSharpEngine(string name, IImageProcessor processor) : IEngine
{
    public const int PreviewSize = 1600;
    public const int ThumbnailSize = 320;

    public string Name => name;

    public async Task RunAsync(string input, string outputDirectory, string tag)
    {
        var preview = Path.Combine(outputDirectory, $"{tag}-preview.jpg");
        var thumbnail = Path.Combine(outputDirectory, $"{tag}-thumb.jpg");
        await ResizeAsync(input, preview, PreviewSize);
        await ResizeAsync(preview, thumbnail, ThumbnailSize);
    }

    private async Task ResizeAsync(string source, string target, int maxSize)
    {
        await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
        await using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
        await processor.ResizeAsync(input, output, maxSize, CancellationToken.None);
    }
}
