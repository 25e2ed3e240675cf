using ImagePipeline.Tests.Support;

namespace ImagePipeline.Tests.Hosting;

/// <summary>
/// README: <c>dotnet run --project ImagePipeline.Web</c> at the repository root keeps its data in <c>./data</c>. The data
/// directory is relative to the working directory, so <c>dotnet run</c> must start the app where it was called.
/// </summary>
public sealed class DotnetRunTests
{
    [Fact]
    public async Task Dotnet_run_starts_the_app_in_the_folder_it_was_called_from()
    {
        var root = TestPaths.RepositoryRoot;
        var (exit, output) = await ProcessRunner.RunAsync("dotnet",
            ["msbuild", Path.Combine("ImagePipeline.Web", "ImagePipeline.Web.csproj"), "-getProperty:RunWorkingDirectory", "-nologo"],
            root, new Dictionary<string, string>(), TimeSpan.FromMinutes(2), CancellationToken.None);

        Assert.True(exit == 0, output);
        Assert.Equal(Path.TrimEndingDirectorySeparator(root), Path.TrimEndingDirectorySeparator(output.Trim()));
    }
}
