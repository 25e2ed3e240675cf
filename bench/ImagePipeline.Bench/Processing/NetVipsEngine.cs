using NetVips;

namespace ImagePipeline.Bench.Processing;

/// <summary>libvips in process through NetVips: thumbnail-from-file for the preview, then thumbnail from the preview file.
/// The operation cache is off so repeated runs really work; one libvips worker thread per image.</summary>
public sealed class NetVipsEngine : IEngine
{
    public NetVipsEngine()
    {
        Cache.Max = 0;
        Cache.MaxFiles = 0;
        Cache.MaxMem = 0;
        NetVips.NetVips.Concurrency = 1;
        _ = Log.SetLogHandler("VIPS", Enums.LogLevelFlags.Warning, static (_, _, _) => { });
    }

    public string Name => "NetVips";

    public static string Version => $"libvips {NetVips.NetVips.Version(0)}.{NetVips.NetVips.Version(1)}.{NetVips.NetVips.Version(2)}";

    public Task RunAsync(string input, string outputDirectory, string tag)
    {
        // The app's engine (ImageSharp (Core), in this same process) locks libvips down to its JPEG loader from a stream
        // (Core/Processing/VipsJpeg.cs); this reference engine loads from files, of any format.
        Operation.Block("VipsForeignLoad", false);
        var preview = Path.Combine(outputDirectory, $"{tag}-preview.jpg");
        var thumbnail = Path.Combine(outputDirectory, $"{tag}-thumb.jpg");
        using (var image = Image.Thumbnail(input, ImageSharpEngine.PreviewSize, height: ImageSharpEngine.PreviewSize))
        {
            image.Jpegsave(preview, q: 80, keep: Enums.ForeignKeep.None);
        }

        using (var image = Image.Thumbnail(preview, ImageSharpEngine.ThumbnailSize, height: ImageSharpEngine.ThumbnailSize))
        {
            image.Jpegsave(thumbnail, q: 80, keep: Enums.ForeignKeep.None);
        }

        return Task.CompletedTask;
    }
}
