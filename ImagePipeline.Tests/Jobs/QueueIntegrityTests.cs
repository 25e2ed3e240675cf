using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Storage;
using ImagePipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace ImagePipeline.Tests.Jobs;

/// <summary>Poison jobs, lease renewal errors, deletes racing a job, back-fill and duplicate uploads (issue 12).</summary>
public sealed class QueueIntegrityTests : IDisposable
{
    private readonly string _data = TestPaths.NewTempDirectory();

    public void Dispose()
    {
        TestDatabase.DeleteDataDirectory(_data);
    }

    [Fact]
    public async Task A_job_whose_runner_died_on_every_attempt_is_FAILED_at_the_next_take_over_instead_of_run_again()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        await using var host = new RunnerHost(_data, time: time);
        await host.MigrateAsync();
        var imageId = await host.IngestAsync(TestPaths.Image("cramps.gif"));
        var lease = TimeSpan.FromMinutes(2);
        var store = host.Store;
        Guid jobId = default;

        // Three runners claim the preview in turn and die with it (the lease just runs out).
        for (var death = 1; death <= 3; death++)
        {
            var candidates = await store.FindCandidatesAsync(lease, 10, CancellationToken.None);
            var candidate = jobId == default ? candidates.First() : candidates.Single(c => c.Id == jobId);
            var (claim, _) = await store.TryClaimAsync(candidate, $"runner-{death}", lease, CancellationToken.None);
            Assert.NotNull(claim);
            Assert.Equal(JobType.Preview, claim.Job.Type);
            jobId = claim.JobId;
            time.Advance(lease + TimeSpan.FromSeconds(1));
        }

        var expired = (await store.FindCandidatesAsync(lease, 10, CancellationToken.None)).Single(c => c.Id == jobId);
        var (fourth, changes) = await store.TryClaimAsync(expired, "runner-4", lease, CancellationToken.None);

        Assert.Null(fourth);
        Assert.Contains(changes.Jobs, e => e.JobId == jobId && e.Status == JobStatus.Failed);
        Assert.Contains(changes.Images, e => e.ImageId == imageId && e.Status == ImageStatus.Failed);
        await using var db = host.CreateDbContext();
        var job = await db.Jobs.Include(j => j.AttemptLog).SingleAsync(j => j.Id == jobId);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal(3, job.Attempts);
        Assert.Null(job.LockedBy);
        Assert.Equal("The process stopped 3 times while running this job.", job.LastError);
        Assert.All(job.AttemptLog, a => Assert.Equal("LOST", a.Outcome));
        Assert.Equal(ImageStatus.Failed, (await db.Images.SingleAsync(i => i.Id == imageId)).Status);
        Assert.DoesNotContain(await store.FindCandidatesAsync(lease, 10, CancellationToken.None), c => c.Id == jobId);
    }

    [Fact]
    public async Task Transient_database_errors_while_renewing_a_lease_are_retried_and_the_job_completes_once()
    {
        var faults = new CommandFaults(renewalFailures: 3);
        var handler = new WaitForRenewalHandler(faults);
        await using var host = new RunnerHost(_data,
            settings: new Dictionary<string, string?> { ["Pipeline:Runner:LeaseDuration"] = "00:00:03" },
            configure: services =>
            {
                services.AddSingleton<IInterceptor>(faults);
                services.RemoveAll<IJobHandler>();
                services.AddSingleton<IJobHandler>(handler);
                services.AddSingleton<IJobHandler>(new WaitForRenewalHandler(null, JobType.Thumbnail));
            });
        await host.MigrateAsync();
        var imageId = await host.IngestAsync(TestPaths.Image("cramps.gif"));

        await host.Runner.DrainAsync(CancellationToken.None);

        Assert.Equal(3, faults.RenewalFailures);
        await using var db = host.CreateDbContext();
        var job = await db.Jobs.Include(j => j.AttemptLog).SingleAsync(j => j.ImageId == imageId && j.Type == JobType.Preview);
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(1, job.Attempts);
        Assert.Equal("COMPLETED", Assert.Single(job.AttemptLog).Outcome);
        Assert.Equal(1, handler.Calls);
    }

    [Fact]
    public async Task Deleting_an_image_while_its_preview_is_being_written_leaves_no_preview_file()
    {
        var handler = new SlowPreviewHandler(writeBeforeBlocking: true);
        await using var host = HostWith(handler);
        await host.MigrateAsync();
        var imageId = await host.IngestAsync(TestPaths.Image("cramps.gif"));

        var drain = host.Runner.DrainAsync(CancellationToken.None);
        await handler.Blocked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEmpty(PreviewFiles(imageId));
        Assert.True(await host.Services.GetRequiredService<ImageDeleter>().DeleteAsync(Viewer.System, imageId, CancellationToken.None));
        Assert.Empty(PreviewFiles(imageId));
        handler.Release.SetResult();
        await drain.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(PreviewFiles(imageId));
        Assert.Empty(Directory.GetFiles(Path.Combine(_data, "originals")));
    }

    [Fact]
    public async Task A_job_that_finishes_for_an_image_deleted_meanwhile_removes_the_file_it_wrote()
    {
        var handler = new SlowPreviewHandler(writeBeforeBlocking: false);
        await using var host = HostWith(handler);
        await host.MigrateAsync();
        var imageId = await host.IngestAsync(TestPaths.Image("cramps.gif"));

        var drain = host.Runner.DrainAsync(CancellationToken.None);
        await handler.Blocked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(await host.Services.GetRequiredService<ImageDeleter>().DeleteAsync(Viewer.System, imageId, CancellationToken.None));
        handler.Release.SetResult();
        await drain.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(handler.Wrote);
        Assert.Empty(PreviewFiles(imageId));
        await using var db = host.CreateDbContext();
        Assert.Equal(0, await db.Jobs.CountAsync());
    }

    [Fact]
    public async Task Backfill_resets_a_FAILED_job_instead_of_adding_one_and_the_image_then_becomes_STORED()
    {
        await using var host = new RunnerHost(_data);
        await host.MigrateAsync();
        var imageId = await host.IngestAsync(TestPaths.Image("cramps.gif"));
        await host.Runner.DrainAsync(CancellationToken.None);
        await using (var db = host.CreateDbContext())
        {
            // The preview failed (a full disk, say) and its asset is missing.
            await db.Jobs.Where(j => j.ImageId == imageId && j.Type == JobType.Preview).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Failed).SetProperty(j => j.LastError, "IOException: No space left on device"));
            await db.Images.Where(i => i.Id == imageId).ExecuteUpdateAsync(s => s
                .SetProperty(i => i.PreviewPath, (string?)null).SetProperty(i => i.Status, ImageStatus.Failed));
        }

        var result = await host.Services.GetRequiredService<JobAdmin>().BackfillAsync(100, CancellationToken.None);
        Assert.Equal(1, result.Enqueued);
        Assert.Equal(0, result.Remaining);
        await host.Runner.DrainAsync(CancellationToken.None);

        await using var after = host.CreateDbContext();
        var previews = await after.Jobs.Where(j => j.ImageId == imageId && j.Type == JobType.Preview).ToListAsync();
        Assert.Equal(JobStatus.Completed, Assert.Single(previews).Status);
        var image = await after.Images.SingleAsync(i => i.Id == imageId);
        Assert.Equal(ImageStatus.Stored, image.Status);
        Assert.NotNull(image.PreviewPath);
    }

    [Fact]
    public async Task Backfill_skips_an_image_that_failed_as_corrupt()
    {
        await using var host = new RunnerHost(_data);
        await host.MigrateAsync();
        var imageId = await host.IngestAsync(TestPaths.Image("cramps.gif"));
        await using (var db = host.CreateDbContext())
        {
            await db.Jobs.Where(j => j.ImageId == imageId && j.Type == JobType.Preview).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Failed).SetProperty(j => j.Attempts, 1)
                .SetProperty(j => j.LastError, "CorruptImageException: The image cannot be decoded: bad huffman table"));
            await db.Jobs.Where(j => j.ImageId == imageId && j.Type == JobType.Thumbnail).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Failed).SetProperty(j => j.Attempts, 1)
                .SetProperty(j => j.LastError, "CorruptImageException: The image cannot be decoded: bad huffman table"));
        }

        var admin = host.Services.GetRequiredService<JobAdmin>();
        var first = await admin.BackfillAsync(100, CancellationToken.None);
        var second = await admin.BackfillAsync(100, CancellationToken.None);

        Assert.Equal((0, 0), (first.Enqueued, first.Remaining));
        Assert.Equal(0, second.Enqueued);
        await using var after = host.CreateDbContext();
        Assert.Equal(2, await after.Jobs.CountAsync(j => j.ImageId == imageId));
        Assert.All(await after.Jobs.ToListAsync(), j => Assert.Equal(JobStatus.Failed, j.Status));
    }

    [Fact]
    public async Task Concurrent_backfills_never_give_an_image_two_jobs_of_a_type_and_the_database_refuses_one()
    {
        await using var a = new RunnerHost(_data);
        await a.MigrateAsync();
        await using var b = new RunnerHost(_data);
        var ids = new List<Guid>();
        await using (var db = a.CreateDbContext())
        {
            for (var n = 0; n < 40; n++)
            {
                var image = new Image { Id = Guid.CreateVersion7(), OriginalFileName = $"{n}.jpg", ContentType = "image/jpeg", Width = 1, Height = 1, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
                db.Images.Add(image);
                ids.Add(image.Id);
            }

            await db.SaveChangesAsync();
        }

        var results = await Task.WhenAll(
            Task.Run(() => a.Services.GetRequiredService<JobAdmin>().BackfillAsync(100, CancellationToken.None)),
            Task.Run(() => b.Services.GetRequiredService<JobAdmin>().BackfillAsync(100, CancellationToken.None)));

        Assert.Equal(80, results.Sum(r => r.Enqueued));
        await using var check = a.CreateDbContext();
        Assert.Equal(80, await check.Jobs.CountAsync());
        Assert.Equal(80, await check.Jobs.Select(j => new { j.ImageId, j.Type }).Distinct().CountAsync());

        var factory = a.Services.GetRequiredService<JobFactory>();
        check.Jobs.Add(factory.Create(ids[0], JobType.Preview));
        await Assert.ThrowsAsync<DbUpdateException>(() => check.SaveChangesAsync());
    }

    [Fact]
    public async Task Two_uploads_of_the_same_bytes_at_the_same_moment_store_one_image_and_answer_the_other_as_a_duplicate()
    {
        var faults = new CommandFaults(holdDuplicateChecks: true);
        await using var host = new RunnerHost(_data, configure: services => services.AddSingleton<IInterceptor>(faults));
        await host.MigrateAsync();
        var bytes = await File.ReadAllBytesAsync(TestPaths.Image("cramps.gif"));

        async Task<IntakeResult> UploadAsync()
        {
            await using var scope = host.Services.CreateAsyncScope();
            using var stream = new MemoryStream(bytes);
            return await scope.ServiceProvider.GetRequiredService<ImageIntake>().IngestAsync(stream, "same.gif", "user-1", CancellationToken.None);
        }

        var results = await Task.WhenAll(Task.Run(UploadAsync), Task.Run(UploadAsync));

        Assert.Single(results, r => r.Duplicate);
        Assert.Single(results, r => !r.Duplicate);
        Assert.Equal(results[0].Image.Id, results[1].Image.Id);
        await using var db = host.CreateDbContext();
        Assert.Equal(1, await db.Images.CountAsync());
        Assert.Equal(2, await db.Jobs.CountAsync());
        Assert.Single(Directory.GetFiles(Path.Combine(_data, "originals")));
    }

    private RunnerHost HostWith(SlowPreviewHandler handler) =>
        new(_data, configure: services =>
        {
            services.RemoveAll<IJobHandler>();
            services.AddSingleton<IJobHandler>(sp => handler.With(sp.GetRequiredService<IAssetStorage>()));
            services.AddSingleton<IJobHandler>(new WaitForRenewalHandler(null, JobType.Thumbnail));
        });

    private string[] PreviewFiles(Guid imageId) => Directory.GetFiles(Path.Combine(_data, "previews"), $"{imageId:N}.*");

    /// <summary>Writes the preview through the store (before or after blocking), then waits for the test to release it.</summary>
    private sealed class SlowPreviewHandler(bool writeBeforeBlocking) : IJobHandler
    {
        private IAssetStorage? _storage;

        public JobType Type => JobType.Preview;

        public TaskCompletionSource Blocked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Wrote { get; private set; }

        public SlowPreviewHandler With(IAssetStorage storage)
        {
            _storage = storage;
            return this;
        }

        public async Task<string> ExecuteAsync(JobClaim claim, CancellationToken cancellationToken)
        {
            var key = _storage!.KeyFor(claim.Job.ImageId!.Value, AssetKind.Preview, "jpg");
            if (writeBeforeBlocking)
            {
                await WriteAsync(key, cancellationToken);
            }

            Blocked.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            if (!writeBeforeBlocking)
            {
                await WriteAsync(key, cancellationToken);
            }

            return key;
        }

        private async Task WriteAsync(string key, CancellationToken cancellationToken)
        {
            await _storage!.WriteAsync(key, (s, ct) => s.WriteAsync("preview"u8.ToArray(), ct).AsTask(), cancellationToken);
            Wrote = true;
        }
    }

    /// <summary>Runs until a lease renewal has succeeded after the injected failures (or at once without faults).</summary>
    private sealed class WaitForRenewalHandler(CommandFaults? faults, JobType type = JobType.Preview) : IJobHandler
    {
        private int _calls;

        public JobType Type => type;

        public int Calls => _calls;

        public async Task<string> ExecuteAsync(JobClaim claim, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (faults is not null)
            {
                await faults.RenewedAfterFailures.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            }

            return $"{type.ToString().ToLowerInvariant()}s/{claim.Job.ImageId:N}.jpg";
        }
    }
}
