using ImagePipeline.Web.Hosting;

namespace ImagePipeline.Tests.Hosting;

/// <summary>When the app counts as the single binary (content root beside the executable, embedded web root).</summary>
public sealed class SingleFileDetectionTests
{
    [Theory]
    // In the bundle: assemblies have no location.
    [InlineData("", "/opt/imagepipeline/ImagePipeline.Web", true)]
    // Published with IncludeAllContentForSelfExtract: loaded from the extraction folder, not from beside the executable.
    [InlineData("/home/app/.net/ImagePipeline.Web/Ab3dE/ImagePipeline.Web.dll", "/opt/imagepipeline/ImagePipeline.Web", true)]
    // Build output, folder publish, tests: the app host beside its assemblies, or the dotnet host.
    [InlineData("/src/ImagePipeline.Web/bin/Release/net10.0/ImagePipeline.Web.dll", "/src/ImagePipeline.Web/bin/Release/net10.0/ImagePipeline.Web", false)]
    [InlineData("/srv/app/ImagePipeline.Web.dll", "/usr/share/dotnet/dotnet", false)]
    [InlineData("/src/ImagePipeline.Tests/bin/Release/net10.0/ImagePipeline.Web.dll", "/src/ImagePipeline.Tests/bin/Release/net10.0/testhost", false)]
    public void IsBundled(string assemblyLocation, string processPath, bool expected) =>
        Assert.Equal(expected, PipelineHost.IsBundled(assemblyLocation, processPath));
}
