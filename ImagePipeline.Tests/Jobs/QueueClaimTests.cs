using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Tests.Jobs;

/// <summary>The lean claim (read, conditional update, attempt, image status) and the background WAL checkpoint (issue 15).</summary>
public sealed class QueueClaimTests : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private readonly string _data = TestPaths.NewTempDirectory();

    public void Dispose()
    {
        TestDatabase.DeleteDataDirectory(_data);
    }

    [Fact]
    public async Task Eight_runners_racing_for_the_same_candidates_claim_each_exactly_once_with_one_attempt()
    {
        var hosts = Enumerable.Range(0, 8).Select(_ => new RunnerHost(_data)).ToList();
        try
        {
            await hosts[0].MigrateAsync();
            var imageIds = await SeedAsync(hosts[0], images: 20);
            var candidates = (await hosts[0].Store.FindCandidatesAsync(Lease, 100, CancellationToken.None)).ToList();
            Assert.Equal(20, candidates.Count); // the previews (each thumbnail waits for its preview)

            // Every runner tries every candidate at once, all with the version they saw.
            var results = await Task.WhenAll(hosts.Select((host, n) => Task.Run(async () =>
            {
                var won = new List<JobClaim>();
                foreach (var candidate in candidates)
                {
                    var (claim, _) = await host.Store.TryClaimAsync(candidate, $"runner-{n}", Lease, CancellationToken.None);
                    if (claim is not null)
                    {
                        won.Add(claim);
                    }
                }

                return won;
            })));

            var claims = results.SelectMany(r => r).ToList();
            Assert.Equal(candidates.Select(c => c.Id).Order(), claims.Select(c => c.JobId).Order());
            await using var db = hosts[0].CreateDbContext();
            var jobs = await db.Jobs.Include(j => j.AttemptLog).Where(j => j.Type == JobType.Preview).ToListAsync();
            Assert.All(jobs, job =>
            {
                var claim = claims.Single(c => c.JobId == job.Id);
                Assert.Equal(JobStatus.Processing, job.Status);
                Assert.Equal(claim.RunnerId, job.LockedBy);
                Assert.Equal(claim.Version, job.Version); // the fencing token the claim hands out is the row's
                Assert.Equal(1, job.Attempts);
                var attempt = Assert.Single(job.AttemptLog);
                Assert.Equal(claim.AttemptId, attempt.Id);
                Assert.Equal(claim.RunnerId, attempt.RunnerId);
            });
            Assert.All(await db.Images.Where(i => imageIds.Contains(i.Id)).ToListAsync(), i => Assert.Equal(ImageStatus.Processing, i.Status));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_claim_makes_the_image_PROCESSING_once_and_leaves_a_FAILED_image_FAILED()
    {
        await using var host = new RunnerHost(_data);
        await host.MigrateAsync();
        var imageId = (await SeedAsync(host, images: 1)).Single();
        var store = host.Store;

        var (preview, changes) = await store.TryClaimAsync((await store.FindCandidatesAsync(Lease, 4, CancellationToken.None)).Single(), "r", Lease, CancellationToken.None);
        Assert.NotNull(preview);
        Assert.Equal(ImageStatus.Processing, Assert.Single(changes.Images).Status);
        Assert.Equal(JobStatus.Processing, Assert.Single(changes.Jobs).Status);
        Assert.Equal(imageId, preview.Job.Image?.Id); // the handler gets the image with the claim

        // The preview fails for good: the image is FAILED; the thumbnail, claimed next, changes nothing about the image.
        Assert.NotNull(await store.FailAsync(preview, new JobFailure("boom", "boom", Retryable: false), TimeSpan.Zero, CancellationToken.None));
        var thumbnail = (await store.FindCandidatesAsync(Lease, 4, CancellationToken.None)).Single();
        var (claim, thumbnailChanges) = await store.TryClaimAsync(thumbnail, "r", Lease, CancellationToken.None);
        Assert.NotNull(claim);
        Assert.Empty(thumbnailChanges.Images);
        await using var db = host.CreateDbContext();
        Assert.Equal(ImageStatus.Failed, (await db.Images.SingleAsync(i => i.Id == imageId)).Status);
    }

    [Fact]
    [Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)] // SQLite's write-ahead log
    public async Task Runner_transitions_alone_keep_the_wal_short_through_the_background_checkpoint()
    {
        await using var host = new RunnerHost(_data);
        await host.MigrateAsync();
        await SeedAsync(host, images: WalCheckpointer.TransitionsPerCheckpoint + 10);
        var checkpointer = host.Services.GetRequiredService<WalCheckpointer>();
        await Checkpoint(); // start from an empty log
        var store = host.Store;

        // Only runner transitions write, on connections that do not checkpoint by themselves before 4,000 pages.
        for (var n = 0; n <= WalCheckpointer.TransitionsPerCheckpoint; n++)
        {
            var (claim, _) = await store.TryClaimAsync((await store.FindCandidatesAsync(Lease, 1, CancellationToken.None))[0], "r", Lease, CancellationToken.None);
            Assert.NotNull(claim);
            if (n == WalCheckpointer.TransitionsPerCheckpoint - 1)
            {
                await checkpointer.IdleAsync(); // the background checkpoint started by this commit has copied the log
            }
        }

        // The claim after it started the log over: only its own pages are in it, not those of the claims before.
        var (frames, checkpointed) = await Checkpoint();
        Assert.InRange(frames, 1, 40);
        Assert.Equal(frames, checkpointed);

        async Task<(long Frames, long Checkpointed)> Checkpoint()
        {
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(_data, "pipeline.db")};Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(0, reader.GetInt64(0)); // not busy
            return (reader.GetInt64(1), reader.GetInt64(2));
        }
    }

    private static async Task<List<Guid>> SeedAsync(RunnerHost host, int images)
    {
        await using var db = host.CreateDbContext();
        var factory = host.Services.GetRequiredService<JobFactory>();
        var ids = new List<Guid>();
        for (var n = 0; n < images; n++)
        {
            var image = new Image { Id = Guid.CreateVersion7(), OriginalFileName = $"{n}.jpg", ContentType = "image/jpeg", Width = 1, Height = 1, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
            db.Images.Add(image);
            db.Jobs.Add(factory.Create(image.Id, JobType.Preview));
            db.Jobs.Add(factory.Create(image.Id, JobType.Thumbnail));
            ids.Add(image.Id);
        }

        await db.SaveChangesAsync();
        return ids;
    }
}
