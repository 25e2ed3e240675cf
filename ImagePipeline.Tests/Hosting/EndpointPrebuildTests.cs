using ImagePipeline.Core.Data;
using ImagePipeline.Tests.Support;
using ImagePipeline.Web.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImagePipeline.Tests.Hosting;

/// <summary>The endpoints are built in the background as the first hosted service starts, and the app answers as before.</summary>
public sealed class EndpointPrebuildTests
{
    [Fact]
    public async Task Starts_before_every_other_hosted_service_and_builds_the_apps_endpoints()
    {
        using var factory = new PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" });
        var hosted = factory.Services.GetServices<IHostedService>().ToList();
        var prebuild = factory.Services.GetRequiredService<EndpointPrebuild>();

        Assert.Same(prebuild, hosted[0]);
        Assert.True(hosted.FindIndex(s => s is DatabaseStartup) > 0);
        await prebuild.Completion.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.NotEqual(Task.CompletedTask, prebuild.Completion); // it had the app's endpoints to build
        var health = await factory.CreateClient().GetAsync("/health");
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_failing_endpoint_source_is_left_to_the_request_pipelines_own_build()
    {
        var prebuild = new EndpointPrebuild(NullLogger<EndpointPrebuild>.Instance);
        prebuild.Use(new Sources(new Failing()));

        await prebuild.StartAsync(CancellationToken.None);
        await prebuild.Completion.WaitAsync(TimeSpan.FromSeconds(30)); // completes; the failure is only logged

        Assert.True(prebuild.Completion.IsCompletedSuccessfully);
    }

    private sealed class Sources(EndpointDataSource source) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider => throw new NotSupportedException();

        public ICollection<EndpointDataSource> DataSources { get; } = [source];

        public Microsoft.AspNetCore.Builder.IApplicationBuilder CreateApplicationBuilder() => throw new NotSupportedException();
    }

    private sealed class Failing : EndpointDataSource
    {
        public override IReadOnlyList<Microsoft.AspNetCore.Http.Endpoint> Endpoints => throw new InvalidOperationException("broken");

        public override Microsoft.Extensions.Primitives.IChangeToken GetChangeToken() => throw new InvalidOperationException("broken");
    }
}
