using ImagePipeline.Core.Jobs;
using ImagePipeline.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ImagePipeline.Tests.Jobs;

/// <summary>The runner's start-up line says why it is off: a Web instance leaves the jobs to the Worker instances; a disabled runner leaves uploads INGESTED.</summary>
public sealed class RunnerStartupLogTests : IDisposable
{
    private readonly string _data = TestPaths.NewTempDirectory();

    public void Dispose() => TestDatabase.DeleteDataDirectory(_data);

    [Fact]
    public async Task A_Web_instance_says_the_Worker_instances_process_the_jobs()
    {
        var record = await StartupLineAsync(new Dictionary<string, string?> { ["Pipeline:Role"] = "Web", ["Pipeline:Runner:Enabled"] = "true" });

        Assert.Equal(LogLevel.Information, record.Level);
        Assert.Contains("Pipeline:Role=Web", record.Message, StringComparison.Ordinal);
        Assert.Contains("Worker instances process", record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("INGESTED", record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Disabled", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_runner_warns_that_uploads_stay_INGESTED()
    {
        var record = await StartupLineAsync(new Dictionary<string, string?> { ["Pipeline:Role"] = "All", ["Pipeline:Runner:Enabled"] = "false" });

        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Contains("Pipeline:Runner:Enabled=false", record.Message, StringComparison.Ordinal);
        Assert.Contains("uploads stay INGESTED", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_runner_says_it_is_starting()
    {
        var record = await StartupLineAsync(new Dictionary<string, string?> { ["Pipeline:Role"] = "Worker", ["Pipeline:Runner:Enabled"] = "true" });

        Assert.Equal(LogLevel.Information, record.Level);
        Assert.StartsWith("[Job Runner] Starting...", record.Message, StringComparison.Ordinal);
    }

    private async Task<FakeLogRecord> StartupLineAsync(Dictionary<string, string?> settings)
    {
        await using var host = new RunnerHost(_data, settings: settings, configure: services => services.AddFakeLogging());
        var log = ActivatorUtilities.CreateInstance<RunnerStartupLog>(host.Services);
        await log.StartAsync(CancellationToken.None);
        return Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Category == typeof(RunnerStartupLog).FullName);
    }
}
