using System.Xml.Linq;
using ImagePipeline.Tests.Support;

namespace ImagePipeline.Tests.Architecture;

/// <summary>Core needs Identity's stores and the hosting abstractions, not the ASP.NET Core shared framework.</summary>
public sealed class CoreReferencesTests
{
    [Fact]
    public void Core_has_no_aspnetcore_framework_reference()
    {
        var project = XDocument.Load(Path.Combine(TestPaths.RepositoryRoot, "ImagePipeline.Core", "ImagePipeline.Core.csproj"));
        Assert.Empty(project.Descendants("FrameworkReference"));
    }

    [Fact]
    public void Core_references_no_web_assembly()
    {
        var aspNet = typeof(Core.Jobs.JobStore).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))
            .ToList();
        // EF stores only: Identity's users and roles, and the data-protection keys shared by every instance.
        string[] stores = ["Microsoft.AspNetCore.Identity.EntityFrameworkCore", "Microsoft.AspNetCore.DataProtection.EntityFrameworkCore"];
        Assert.All(aspNet, name => Assert.Contains(name, stores));
    }
}
