namespace ImagePipeline.Tests.Support;

/// <summary>Where the repository and the shared test images are, from wherever the tests run.</summary>
public static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary><c>../shared/testdata/images</c> beside the repository (see SOURCES.md there).</summary>
    public static string Images { get; } = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "testdata", "images"));

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
