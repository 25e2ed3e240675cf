using ImagePipeline.Tests.Support;
using ImagePipeline.Web.Hosting;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ImagePipeline.Tests.Hosting;

/// <summary>The Data Protection key ring is loaded once the app has started, not during start-up, and still loaded.</summary>
public sealed class KeyRingWarmupTests
{
    [Fact]
    public void AspNetCoresStartUpKeyRingLoadIsReplacedByTheOneAfterStart()
    {
        using var factory = new PipelineAppFactory();
        var hosted = factory.Services.GetServices<IHostedService>().ToList();

        Assert.Contains(hosted, s => s is KeyRingWarmup);
        Assert.DoesNotContain(hosted, s => s.GetType().FullName == KeyRingWarmup.DataProtectionHostedServiceName);
    }

    [Fact]
    public async Task AFreshDataDirectoryGetsItsFirstKeyRightAfterStartWithoutAnyRequest()
    {
        using var factory = new PipelineAppFactory();
        var keys = factory.Services.GetRequiredService<IKeyManager>(); // starts the host; no request is made

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (keys.GetAllKeys().Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.NotEmpty(keys.GetAllKeys());
    }
}
