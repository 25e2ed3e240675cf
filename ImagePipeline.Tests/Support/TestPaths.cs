namespace ImagePipeline.Tests.Support;

/// <summary>Where the repository and the shared test images are, from wherever the tests run.</summary>
public static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>
    /// The shared test images (see SOURCES.md there): <c>IMAGEPIPELINE_TEST_IMAGES</c> when set, else <c>shared/testdata/images</c>
    /// beside the repository or beside any folder above it, else the workplace's <c>/work/shared</c>.
    /// </summary>
    public static string Images { get; } = FindImages();

    public static string Image(string name) => Path.Combine(Images, name);

    public static string NewTempDirectory(string prefix = "ip-test")
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindImages()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("IMAGEPIPELINE_TEST_IMAGES") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        for (var dir = new DirectoryInfo(RepositoryRoot); dir?.Parent is not null; dir = dir.Parent)
        {
            candidates.Add(Path.Combine(dir.Parent.FullName, "shared", "testdata", "images"));
        }

        candidates.Add("/work/shared/testdata/images");
        return candidates.Select(Path.GetFullPath).FirstOrDefault(Directory.Exists)
            ?? throw new DirectoryNotFoundException(
                "Test images not found: put shared/testdata/images beside the repository or set IMAGEPIPELINE_TEST_IMAGES. Looked in: "
                + string.Join(", ", candidates));
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ImagePipeline.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("ImagePipeline.sln not found above " + AppContext.BaseDirectory);
    }
}
