using System.Collections.Concurrent;
using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ImagePipeline.Tests.Scale;

/// <summary>
/// The claim protocol, migrations and shared data-protection keys on PostgreSQL (<c>Pipeline:Database:Provider=Postgres</c>),
/// each test on a fresh database. Needs IMAGEPIPELINE_TEST_POSTGRES (./test.sh starts a server).
/// </summary>
public sealed class PostgresProviderTests : IAsyncLifetime
{
    private readonly string _data = TestPaths.NewTempDirectory();
    private readonly string _connection = ScaleServices.NewDatabaseConnectionString("provider");

    private Dictionary<string, string?> Settings(int concurrency = 1) => new()
    {
        ["Pipeline:Database:Provider"] = "Postgres",
        ["ConnectionStrings:Pipeline"] = _connection,
        ["Pipeline:Runner:Concurrency"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        await ScaleServices.DropDatabaseAsync(_connection);
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Migrate_creates_the_database_and_a_second_migrate_finds_nothing_pending()
    {
        await using var host = new RunnerHost(_data, settings: Settings());
        var applied = await host.Services.GetRequiredService<DatabaseInitializer>().MigrateAsync(CancellationToken.None);
        Assert.NotEmpty(applied);
        Assert.Empty(await host.Services.GetRequiredService<DatabaseInitializer>().MigrateAsync(CancellationToken.None));
        await using var db = host.CreateDbContext();
        Assert.True(db.Database.IsNpgsql());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Starting_on_an_empty_server_creates_and_migrates_the_database_without_logging_an_error()
    {
        await using var app = new PipelineAppFactory(Settings(), Path.Combine(_data, "app"));
        await using var logged = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddFakeLogging()));
        (await logged.CreateClient().GetAsync("/health")).EnsureSuccessStatusCode();

        var records = logged.Services.GetFakeLogCollector().GetSnapshot();
        Assert.Contains(records, r => r.Message.StartsWith("Created the PostgreSQL database", StringComparison.Ordinal));
        Assert.Contains(records, r => r.Message.StartsWith("Applied migrations", StringComparison.Ordinal));
        Assert.Empty(records.Where(r => r.Level >= LogLevel.Error).Select(r => $"{r.Category}: {r.Message}"));
    }

    [Fact]
    public void Postgres_without_a_connection_string_is_refused_at_start()
    {
        var options = new PipelineOptions { Database = { Provider = DatabaseProvider.Postgres } };
        var result = new PipelineOptionsCrossValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("ConnectionStrings:Pipeline", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Four_runners_over_one_PostgreSQL_database_complete_400_jobs_exactly_once()
    {
        var invocations = new ConcurrentDictionary<Guid, int>();
        IJobHandler[] Handlers() => [new CountingHandler(JobType.Preview, invocations), new CountingHandler(JobType.Thumbnail, invocations)];
        var hosts = Enumerable.Range(0, 4).Select(_ => new RunnerHost(_data, handlers: Handlers(), settings: Settings(concurrency: 3))).ToList();
        await hosts[0].MigrateAsync();
        await using (var db = hosts[0].CreateDbContext())
        {
            var factory = new JobFactory(Options.Create(new PipelineOptions()), TimeProvider.System);
            for (var n = 0; n < 200; n++)
            {
                var image = new Image { Id = Guid.CreateVersion7(), OriginalFileName = $"{n}.jpg", ContentType = "image/jpeg", Width = 1, Height = 1, CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow };
                db.Images.Add(image);
                db.Jobs.Add(factory.Create(image.Id, JobType.Preview));
                db.Jobs.Add(factory.Create(image.Id, JobType.Thumbnail));
            }

            await db.SaveChangesAsync();
        }

        await Task.WhenAll(hosts.Select(h => Task.Run(() => h.Runner.DrainAsync(CancellationToken.None))));

        await using (var db = hosts[0].CreateDbContext())
        {
            Assert.Equal(400, await db.Jobs.CountAsync(j => j.Status == JobStatus.Completed));
            Assert.Equal(0, await db.Jobs.CountAsync(j => j.LockedBy != null));
            Assert.Equal(400, await db.Jobs.SumAsync(j => j.Attempts));
            Assert.Equal(200, await db.Images.CountAsync(i => i.Status == ImageStatus.Stored));
        }

        Assert.Equal(400, invocations.Count);
        Assert.All(invocations.Values, count => Assert.Equal(1, count));
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_dead_runners_job_is_taken_over_after_the_lease_and_its_late_completion_is_refused()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        await using var host = new RunnerHost(_data, time: time, settings: Settings());
        await host.MigrateAsync();
        var imageId = await host.IngestAsync(TestPaths.Image("cramps.gif"));
        var lease = TimeSpan.FromMinutes(2);
        var store = host.Store;

        var candidate = (await store.FindCandidatesAsync(lease, 10, CancellationToken.None)).First();
        var (dead, _) = await store.TryClaimAsync(candidate, "runner-a", lease, CancellationToken.None);
        Assert.NotNull(dead);
        var (twice, _) = await store.TryClaimAsync(candidate, "runner-c", lease, CancellationToken.None);
        Assert.Null(twice); // the version moved on: the same candidate cannot be claimed again

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(await store.FindCandidatesAsync(lease, 10, CancellationToken.None), c => c.Id == dead.JobId);

        time.Advance(TimeSpan.FromMinutes(1.5));
        var expired = (await store.FindCandidatesAsync(lease, 10, CancellationToken.None)).Single(c => c.Id == dead.JobId);
        var (alive, _) = await store.TryClaimAsync(expired, "runner-b", lease, CancellationToken.None);
        Assert.NotNull(alive);

        Assert.False(await store.RenewAsync(dead, CancellationToken.None));
        Assert.Null(await store.CompleteAsync(dead, "previews/stale.jpg", CancellationToken.None));
        Assert.NotNull(await store.CompleteAsync(alive, "previews/winner.jpg", CancellationToken.None));

        await using var db = host.CreateDbContext();
        var job = await db.Jobs.Include(j => j.AttemptLog).SingleAsync(j => j.Id == dead.JobId);
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(2, job.Attempts);
        Assert.Null(job.LockedBy);
        Assert.Equal(["LOST", "COMPLETED"], job.AttemptLog.OrderBy(a => a.Number).Select(a => a.Outcome));
        Assert.Equal(DateTimeKind.Utc, job.UpdatedAt.Kind);
        Assert.Equal(time.GetUtcNow().UtcDateTime, job.UpdatedAt, TimeSpan.FromMilliseconds(1));
        var image = await db.Images.SingleAsync(i => i.Id == imageId);
        Assert.Contains("winner", (image.PreviewPath ?? "") + (image.ThumbnailPath ?? ""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_app_instances_on_one_PostgreSQL_database_share_the_data_protection_keys()
    {
        var settings = Settings();
        await using var first = new PipelineAppFactory(settings, Path.Combine(_data, "first"));
        await using var second = new PipelineAppFactory(settings, Path.Combine(_data, "second"));
        (await first.CreateClient().GetAsync("/health")).EnsureSuccessStatusCode();
        (await second.CreateClient().GetAsync("/health")).EnsureSuccessStatusCode();

        // What one instance protects (a sign-in cookie, an antiforgery token) the other can read.
        const string purpose = "Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware";
        var sealedText = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose).Protect("signed-in");
        Assert.Equal("signed-in", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(purpose).Unprotect(sealedText));

        await using var db = first.CreateDbContext();
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync());
        Assert.False(Directory.Exists(Path.Combine(_data, "first", "keys")) && Directory.EnumerateFiles(Path.Combine(_data, "first", "keys")).Any());
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
}
