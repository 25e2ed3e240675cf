using ImagePipeline.Core.Data;
using ImagePipeline.Core.Data.CompiledModel;
using Microsoft.Extensions.Configuration;

namespace ImagePipeline.Tests.Data;

/// <summary>
/// The start-up builds SQLite's compiled model on another thread while it reads configuration (CompiledModelPreload): only
/// when SQLite is the provider (CompiledModelTests checks that the contexts run on that model).
/// </summary>
[Trait("Provider", "Sqlite")]
public sealed class CompiledModelPreloadTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("Sqlite", true)]
    [InlineData("sqlite", true)]
    [InlineData("Postgres", false)]
    [InlineData("postgres", false)]
    [InlineData("MySql", true)] // not a provider: options validation reports it; the preload only skips a real other provider
    public void Only_a_sqlite_configuration_builds_the_compiled_model(string? provider, bool expected)
    {
        var configuration = Configuration(provider);

        Assert.Equal(expected, CompiledModelPreload.UsesCompiledModel(configuration));
    }

    [Fact]
    public async Task The_preload_builds_the_compiled_model()
    {
        await CompiledModelPreload.Start(Configuration(null)).WaitAsync(TimeSpan.FromMinutes(1));

        var model = PipelineDbContextModel.Instance;
        Assert.NotNull(model);
        Assert.NotNull(model.FindEntityType(typeof(ImagePipeline.Core.Jobs.Job)));
    }

    [Fact]
    public void A_postgres_configuration_starts_nothing()
    {
        Assert.Same(Task.CompletedTask, CompiledModelPreload.Start(Configuration("Postgres")));
    }

    private static IConfiguration Configuration(string? provider) =>
        new ConfigurationBuilder().AddInMemoryCollection(provider is null ? [] : [new("Pipeline:Database:Provider", provider)]).Build();
}
