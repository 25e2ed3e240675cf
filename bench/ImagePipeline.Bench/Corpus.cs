namespace ImagePipeline.Bench;

/// <summary>The test images: <c>BENCH_IMAGES</c>, else the repository's <c>ImagePipeline.Tests/TestData/images</c> found above the working or the program directory.</summary>
public static class Corpus
{
    public static readonly string[] ProcessingFiles =
    [
        "path-upscaled-6000x4000-grain.jpg",
        "path-upscaled-6000x4000-orient6.jpg",
        "volna-5120x2880-progressive.jpg",
        "ultra-hdr-3840x2160.jpg",
        "path-2560x1600.jpg",
        "kite-cmyk-1280x800.jpg",
        "rgba-alpha.png",
        "cramps.gif",
        "1.webp",
    ];

    public static string Directory()
    {
        if (Environment.GetEnvironmentVariable("BENCH_IMAGES") is { Length: > 0 } configured)
        {
            return configured;
        }

        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "ImagePipeline.Tests", "TestData", "images");
                if (System.IO.Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException("Test images not found: run from the repository or set BENCH_IMAGES.");
    }
}
