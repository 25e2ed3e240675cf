using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Storage;
using ImagePipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Tests.Jobs;

public sealed class ShutdownAndRecoveryTests : IDisposable
{
    private readonly string _data = TestPaths.NewTempDirectory();

    public void Dispose()
    {
        TestDatabase.DeleteDataDirectory(_data);
    }

    [Fact]
    public async Task Stopping_releases_running_jobs_at_once_without_counting_the_attempt()
    {
        var slow = new BlockingHandler(JobType.Preview);
        await using var host = new RunnerHost(_data, handlers: [slow, new BlockingHandler(JobType.Thumbnail)]);
        await host.MigrateAsync();
        var imageId = await host.IngestAsync(TestPaths.Image("cramps.gif"));

        var drain = host.Runner.DrainAsync(CancellationToken.None);
        await slow.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        host.StopApplication();
        await drain.WaitAsync(TimeSpan.FromSeconds(10));

        await using var db = host.CreateDbContext();
        var job = await db.Jobs.Include(j => j.AttemptLog).SingleAsync(j => j.ImageId == imageId && j.Type == JobType.Preview);
        Assert.Equal(JobStatus.Pending, job.Status);
        Assert.Null(job.LockedBy);
        Assert.Null(job.LockedAt);
        Assert.Equal(0, job.Attempts);
        Assert.Equal("RELEASED", Assert.Single(job.AttemptLog).Outcome);
    }

    [Fact]
    public async Task Start_up_sweeps_temp_files_of_dead_instances_and_keeps_orphan_originals_in_lost_and_found_but_not_live_ones()
    {
        await using var live = new RunnerHost(_data);
        await live.MigrateAsync();
        var storage = live.Services.GetRequiredService<IAssetStorage>();
        using var liveTemp = storage.CreateTempFile();

        var deadInstance = Path.Combine(_data, "tmp", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(deadInstance);
        await File.WriteAllTextAsync(Path.Combine(deadInstance, ".lock"), "");
        await File.WriteAllTextAsync(Path.Combine(deadInstance, "upload.part"), "half an upload");
        var orphan = Path.Combine(_data, "originals", $"{Guid.NewGuid():N}.jpg");
        await File.WriteAllTextAsync(orphan, "no row");
        File.SetLastWriteTimeUtc(orphan, DateTime.UtcNow.AddHours(-1));
        var fresh = Path.Combine(_data, "originals", $"{Guid.NewGuid():N}.jpg");
        await File.WriteAllTextAsync(fresh, "being committed by another instance");
        var kept = await live.IngestAsync(TestPaths.Image("cramps.gif"));

        await using var restarted = new RunnerHost(_data);
        Assert.Equal(1, restarted.Services.GetRequiredService<IAssetStorage>().CleanTempArea());
        Assert.Equal(1, await restarted.Services.GetRequiredService<OrphanFileSweeper>().SweepAsync(CancellationToken.None));

        Assert.False(Directory.Exists(deadInstance));
        Assert.True(File.Exists(liveTemp.Path));
        Assert.False(File.Exists(orphan));
        Assert.Equal("no row", await File.ReadAllTextAsync(Path.Combine(_data, "lost+found", Path.GetFileName(orphan))));
        Assert.True(File.Exists(fresh));
        Assert.Single(Directory.GetFiles(Path.Combine(_data, "originals"), $"{kept:N}.*"));
    }

    private sealed class BlockingHandler(JobType type) : IJobHandler
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public JobType Type => type;

        public async Task<string> ExecuteAsync(JobClaim claim, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return "never";
        }
    }
}
