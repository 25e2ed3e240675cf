namespace ImagePipeline.Tests.Architecture;

/// <summary>EF Core's design package (Roslyn, Humanizer, Mono.TextTemplating) is for <c>dotnet ef</c> only: none of it ships with the app.</summary>
public sealed class DesignTimeOnlyTests
{
    [Fact]
    public void The_apps_dependencies_hold_no_design_time_assembly()
    {
        var deps = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ImagePipeline.Web.deps.json"));
        Assert.Contains("ImagePipeline.Core", deps, StringComparison.Ordinal);
        foreach (var name in new[] { "Microsoft.EntityFrameworkCore.Design", "Microsoft.CodeAnalysis", "Humanizer", "Mono.TextTemplating" })
        {
            Assert.DoesNotContain(name, deps, StringComparison.Ordinal);
        }
    }
}
