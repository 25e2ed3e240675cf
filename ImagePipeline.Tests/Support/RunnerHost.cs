using ImagePipeline.Core;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ImagePipeline.Tests.Support;

/// <summary>
/// One runner instance without the web app: its own service provider over a shared data directory and database (SQLite file
/// or, see <see cref="TestDatabase"/>, PostgreSQL),
/// like a separate process would have. Optional fakes: the time provider and the job handlers.
/// </summary>
public sealed class RunnerHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public RunnerHost(string dataDirectory, TimeProvider? time = null, IEnumerable<IJobHandler>? handlers = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var config = new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = dataDirectory,
            ["Pipeline:Runner:Enabled"] = "false", // no Quartz: the test drives DrainAsync itself
            ["Pipeline:Runner:RetryBaseDelay"] = "00:00:00.050",
        };
        foreach (var (key, value) in TestDatabase.Settings(dataDirectory))
        {
            config[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostApplicationLifetime, TestLifetime>();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddImagePipeline(new ConfigurationBuilder().AddInMemoryCollection(config).Build());
        if (handlers is not null)
        {
            services.RemoveAll<IJobHandler>();
            foreach (var handler in handlers)
            {
                services.AddSingleton(handler);
            }
        }

        configure?.Invoke(services);
        _services = services.BuildServiceProvider();
    }

    public IServiceProvider Services => _services;

    public JobRunner Runner => _services.GetRequiredService<JobRunner>();

    public JobStore Store => _services.GetRequiredService<JobStore>();

    public PipelineDbContext CreateDbContext() => _services.GetRequiredService<IDbContextFactory<PipelineDbContext>>().CreateDbContext();

    public Task MigrateAsync() => _services.GetRequiredService<DatabaseInitializer>().MigrateAsync(CancellationToken.None);

    public async Task<Guid> IngestAsync(string path)
    {
        await using var scope = _services.CreateAsyncScope();
        await using var stream = File.OpenRead(path);
        var result = await scope.ServiceProvider.GetRequiredService<ImageIntake>().IngestAsync(stream, Path.GetFileName(path), null, CancellationToken.None);
        return result.Image.Id;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    /// <summary>Signals ApplicationStopping, like SIGTERM does to the real host.</summary>
    public void StopApplication() => _services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

    private sealed class TestLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => _stopping.Cancel();

        public void Dispose() => _stopping.Dispose();
    }
}
