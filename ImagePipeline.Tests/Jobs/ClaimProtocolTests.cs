using System.Collections.Concurrent;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Processing;
using ImagePipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace ImagePipeline.Tests.Jobs;

public sealed class ClaimProtocolTests : IDisposable
{
    private readonly string _data = TestPaths.NewTempDirectory();

    public void Dispose()
    {
        TestDatabase.DeleteDataDirectory(_data);
    }

    [Fact]
    public async Task Four_runners_over_one_database_complete_500_jobs_exactly_once()
    {
        var invocations = new ConcurrentDictionary<Guid, int>();
        IJobHandler[] Handlers() => [new CountingHandler(JobType.Preview, invocations), new CountingHandler(JobType.Thumbnail, invocations)];
        var hosts = Enumerable.Range(0, 4).Select(_ => new RunnerHost(_data, handlers: Handlers(), settings: new Dictionary<string, string?> { ["Pipeline:Runner:Concurrency"] = "3" })).ToList();
        await hosts[0].MigrateAsync();
        await SeedAsync(hosts[0], images: 250);

        await Task.WhenAll(hosts.Select(h => Task.Run(() => h.Runner.DrainAsync(CancellationToken.None))));

        await using var db = hosts[0].CreateDbContext();
        Assert.Equal(500, await db.Jobs.CountAsync(j => j.Status == JobStatus.Completed));
        Assert.Equal(0, await db.Jobs.CountAsync(j => j.LockedBy != null));
        Assert.Equal(500, invocations.Count);
        Assert.All(invocations.Values, count => Assert.Equal(1, count));
        Assert.Equal(500, await db.Jobs.SumAsync(j => j.Attempts));
        Assert.Equal(250, await db.Images.CountAsync(i => i.Status == ImageStatus.Stored));
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_dead_runners_job_is_taken_over_after_the_lease_and_its_late_completion_is_refused()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        await using var host = new RunnerHost(_data, time: time);
        await host.MigrateAsync();
        var imageId = await host.IngestAsync(TestPaths.Image("cramps.gif"));
        var lease = TimeSpan.FromMinutes(2);
        var store = host.Store;

        var candidate = (await store.FindCandidatesAsync(lease, 10, CancellationToken.None)).First();
        var (dead, _) = await store.TryClaimAsync(candidate, "runner-a", lease, CancellationToken.None);
        Assert.NotNull(dead);

        // Within the lease nobody else can have it.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(await store.FindCandidatesAsync(lease, 10, CancellationToken.None), c => c.Id == dead.JobId);

        // After it, runner B takes it over.
        time.Advance(TimeSpan.FromMinutes(1.5));
        var expired = (await store.FindCandidatesAsync(lease, 10, CancellationToken.None)).Single(c => c.Id == dead.JobId);
        var (alive, _) = await store.TryClaimAsync(expired, "runner-b", lease, CancellationToken.None);
        Assert.NotNull(alive);

        // A's late renewal and completion change nothing.
        Assert.False(await store.RenewAsync(dead, CancellationToken.None));
        Assert.Null(await store.CompleteAsync(dead, "previews/stale.jpg", CancellationToken.None));
        Assert.NotNull(await store.CompleteAsync(alive, "previews/winner.jpg", CancellationToken.None));

        await using var db = host.CreateDbContext();
        var job = await db.Jobs.Include(j => j.AttemptLog).SingleAsync(j => j.Id == dead.JobId);
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(2, job.Attempts);
        Assert.Null(job.LockedBy);
        Assert.Equal(["LOST", "COMPLETED"], job.AttemptLog.OrderBy(a => a.Number).Select(a => a.Outcome));
        var image = await db.Images.SingleAsync(i => i.Id == imageId);
        Assert.Contains("winner", (image.PreviewPath ?? "") + (image.ThumbnailPath ?? ""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_handler_that_throws_twice_then_succeeds_ends_COMPLETED_after_three_attempts()
    {
        var flaky = new FlakyHandler(JobType.Preview, failures: 2);
        await using var host = new RunnerHost(_data, handlers: [flaky, new CountingHandler(JobType.Thumbnail, new())]);
        await host.MigrateAsync();
        var imageId = await host.IngestAsync(TestPaths.Image("cramps.gif"));

        await DrainUntilAsync(host, async db => await db.Images.AnyAsync(i => i.Id == imageId && i.Status == ImageStatus.Stored));

        await using var db = host.CreateDbContext();
        var job = await db.Jobs.SingleAsync(j => j.ImageId == imageId && j.Type == JobType.Preview);
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(3, job.Attempts);
        Assert.Contains("flaky failure 2", job.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_handler_that_always_throws_ends_FAILED_with_its_error_and_so_does_the_image()
    {
        var broken = new FlakyHandler(JobType.Preview, failures: int.MaxValue);
        await using var host = new RunnerHost(_data, handlers: [broken, new CountingHandler(JobType.Thumbnail, new())]);
        await host.MigrateAsync();
        var imageId = await host.IngestAsync(TestPaths.Image("cramps.gif"));

        await DrainUntilAsync(host, async db => await db.Jobs.AnyAsync(j => j.ImageId == imageId && j.Status == JobStatus.Failed));

        await using var db = host.CreateDbContext();
        var job = await db.Jobs.SingleAsync(j => j.ImageId == imageId && j.Type == JobType.Preview);
        Assert.Equal(3, job.Attempts);
        Assert.StartsWith("InvalidOperationException: flaky failure", job.LastError, StringComparison.Ordinal);
        Assert.Contains("FlakyHandler", job.LastErrorDetail, StringComparison.Ordinal);
        Assert.Equal(ImageStatus.Failed, (await db.Images.SingleAsync(i => i.Id == imageId)).Status);
        Assert.Equal(3, broken.Calls);
    }

    [Fact]
    public async Task A_corrupt_image_fails_at_once_without_retries()
    {
        var corrupt = new FlakyHandler(JobType.Preview, failures: int.MaxValue, exception: () => new CorruptImageException("cannot decode"));
        await using var host = new RunnerHost(_data, handlers: [corrupt, new CountingHandler(JobType.Thumbnail, new())]);
        await host.MigrateAsync();
        var imageId = await host.IngestAsync(TestPaths.Image("cramps.gif"));

        await host.Runner.DrainAsync(CancellationToken.None);

        await using var db = host.CreateDbContext();
        var job = await db.Jobs.SingleAsync(j => j.ImageId == imageId && j.Type == JobType.Preview);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal(1, job.Attempts);
        Assert.Equal(1, corrupt.Calls);
    }

    private static async Task DrainUntilAsync(RunnerHost host, Func<Core.Data.PipelineDbContext, Task<bool>> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            await host.Runner.DrainAsync(CancellationToken.None);
            await using var db = host.CreateDbContext();
            if (await done(db))
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("The queue did not reach the expected state in 30 s.");
    }

    private static async Task SeedAsync(RunnerHost host, int images)
    {
        await using var db = host.CreateDbContext();
        var factory = new JobFactory(Microsoft.Extensions.Options.Options.Create(new Core.Configuration.PipelineOptions()), TimeProvider.System);
        for (var n = 0; n < images; n++)
        {
            var image = new Image { Id = Guid.CreateVersion7(), OriginalFileName = $"{n}.jpg", ContentType = "image/jpeg", Width = 1, Height = 1, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            db.Images.Add(image);
            db.Jobs.Add(factory.Create(image.Id, JobType.Preview));
            db.Jobs.Add(factory.Create(image.Id, JobType.Thumbnail));
        }

        await db.SaveChangesAsync();
    }

    private sealed class CountingHandler(JobType type, ConcurrentDictionary<Guid, int> invocations) : IJobHandler
    {
        public JobType Type => type;

        public async Task<string> ExecuteAsync(JobClaim claim, CancellationToken cancellationToken)
        {
            invocations.AddOrUpdate(claim.JobId, 1, (_, n) => n + 1);
            await Task.Delay(Random.Shared.Next(0, 3), cancellationToken);
            return $"{type.ToString().ToLowerInvariant()}s/{claim.Job.ImageId:N}.jpg";
        }
    }

    private sealed class FlakyHandler(JobType type, int failures, Func<Exception>? exception = null) : IJobHandler
    {
        private int _calls;

        public JobType Type => type;

        public int Calls => _calls;

        public Task<string> ExecuteAsync(JobClaim claim, CancellationToken cancellationToken)
        {
            var call = Interlocked.Increment(ref _calls);
            if (call <= failures)
            {
                throw exception?.Invoke() ?? new InvalidOperationException($"flaky failure {call}");
            }

            return Task.FromResult($"previews/{claim.Job.ImageId:N}.jpg");
        }
    }
}
