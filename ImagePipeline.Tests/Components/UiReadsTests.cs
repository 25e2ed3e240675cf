using ImagePipeline.Tests.Support;

namespace ImagePipeline.Tests.Components;

/// <summary>The UI reads through Core's query services, never through an EF context.</summary>
public sealed class UiReadsTests
{
    private static readonly string Components = Path.Combine(TestPaths.RepositoryRoot, "ImagePipeline.Web", "Components");

    [Fact]
    public void No_component_touches_an_ef_context()
    {
        var offenders = Directory.EnumerateFiles(Components, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("DbContext", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Components, f))
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void The_components_imports_do_not_bring_in_entity_framework()
    {
        var imports = File.ReadAllText(Path.Combine(Components, "_Imports.razor"));
        Assert.DoesNotContain("Microsoft.EntityFrameworkCore", imports, StringComparison.Ordinal);
    }
}
