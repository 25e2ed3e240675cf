namespace ImagePipeline.Tests.Support;

/// <summary>Where the repository and its test images are, from wherever the tests run.</summary>
public static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The suite's own test images, in the repository (sources and licences in SOURCES.md there).</summary>
    public static string Images { get; } = Path.Combine(RepositoryRoot, "ImagePipeline.Tests", "TestData", "images");

    public static string Image(string name) => Path.Combine(Images, name);

    public static string NewTempDirectory(string prefix = "ip-test")
    {
        var path = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
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
