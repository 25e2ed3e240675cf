using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Tests.Data;

[Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)] // upgrades of SQLite databases left by earlier phases
public sealed class MigrationTests : IDisposable
{
    private readonly string _data = TestPaths.NewTempDirectory();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Upgrading_a_Phase1_database_keeps_every_row_and_file_and_gives_new_columns_their_defaults()
    {
        var data = _data;
        await Phase1Fixture.CreateAsync(data);
        using var app = new PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" }, data);
        _ = app.CreateClient(); // starts the app: backup, then migrations

        await using var db = app.CreateDbContext();
        var images = await db.Images.OrderBy(i => i.CreatedAt).ToListAsync();
        Assert.Equal([Phase1Fixture.WithJobs, Phase1Fixture.WithoutJobsA, Phase1Fixture.WithoutJobsB], images.Select(i => i.Id));
        Assert.Equal(["holiday.jpg", "logo.png", "dance.gif"], images.Select(i => i.OriginalFileName));
        Assert.Equal(Phase1Fixture.Files, images.Select(i => i.LegacyTempPath));
        Assert.All(images, i => Assert.Equal(ImageStatus.Ingested, i.Status));
        Assert.All(images, i => Assert.Null(i.ThumbnailPath));
        Assert.All(images, i => Assert.Null(i.PreviewPath));
        Assert.All(images, i => Assert.Equal(0, i.Version));
        Assert.All(Phase1Fixture.Files, f => Assert.True(File.Exists(Path.Combine(data, f))));

        var jobs = await db.Jobs.OrderBy(j => j.Id).ToListAsync();
        Assert.Equal(2, jobs.Count);
        Assert.All(jobs, j => Assert.Equal(Phase1Fixture.WithJobs, j.ImageId)); // linked through the payload
        Assert.All(jobs, j => Assert.Equal((JobStatus.Pending, 0, 3, 0), (j.Status, j.Attempts, j.MaxAttempts, j.Version)));
        Assert.All(jobs, j => Assert.Null(j.LockedBy));
        Assert.All(jobs, j => Assert.NotNull(j.Payload));

        Assert.Single(Directory.GetFiles(Path.Combine(data, "backups"), "pipeline-*-before-*Phase2.db"));
    }

    [Fact]
    public async Task A_database_at_the_current_schema_is_left_as_it_is_and_one_without_a_migration_gets_it()
    {
        await using var host = new RunnerHost(_data);
        var initializer = host.Services.GetRequiredService<DatabaseInitializer>();
        string[] known;
        await using (var db = host.CreateDbContext())
        {
            known = [.. db.Database.GetMigrations()];
        }

        Assert.Equal(known, await initializer.MigrateAsync(CancellationToken.None)); // a new database: all of them, no backup
        Assert.Empty(await initializer.MigrateAsync(CancellationToken.None)); // the usual start: nothing to do
        var backups = Path.Combine(_data, "backups");
        Assert.Empty(Directory.Exists(backups) ? Directory.GetFiles(backups) : []);

        // A newer version's migration in the history (the app was rolled back) is not this build's to apply or undo.
        await using (var db = host.CreateDbContext())
        {
            await db.Database.ExecuteSqlRawAsync("""INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES ('29991231000000_Future', '10.0.15')""");
            Assert.Empty(await initializer.MigrateAsync(CancellationToken.None));

            // One of this build's migrations missing from the history: EF Core's migrator takes over (backup, then the migration).
            var last = known[^1];
            await db.Database.ExecuteSqlRawAsync("""DELETE FROM "__EFMigrationsHistory" WHERE "MigrationId" = {0}""", last);
            Assert.Equal([last], await db.Database.GetPendingMigrationsAsync());
        }

        try
        {
            await initializer.MigrateAsync(CancellationToken.None);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // Re-applying the last migration over the tables it made may fail; what matters is that it was not skipped.
        }

        Assert.Single(Directory.GetFiles(backups, $"pipeline-*-before-{known[^1]}.db"));
    }

    [Fact]
    public async Task Backfill_enqueues_exactly_the_missing_jobs_once_and_the_runner_then_stores_them()
    {
        var data = _data;
        await Phase1Fixture.CreateAsync(data);
        using (var paused = new PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" }, data))
        {
            var client = paused.CreateClient();
            var first = await (await client.PostAsync("/api/admin/backfill?batchSize=1", null)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(2, first.GetProperty("enqueued").GetInt32());
            Assert.Equal(1, first.GetProperty("remaining").GetInt32());
            var second = await (await client.PostAsync("/api/admin/backfill", null)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(2, second.GetProperty("enqueued").GetInt32());
            Assert.Equal(0, second.GetProperty("remaining").GetInt32());
            var third = await (await client.PostAsync("/api/admin/backfill", null)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(0, third.GetProperty("enqueued").GetInt32());

            await using var db = paused.CreateDbContext();
            Assert.Equal(6, await db.Jobs.CountAsync());
            foreach (var id in new[] { Phase1Fixture.WithJobs, Phase1Fixture.WithoutJobsA, Phase1Fixture.WithoutJobsB })
            {
                Assert.Equal(1, await db.Jobs.CountAsync(j => j.ImageId == id && j.Type == JobType.Preview));
                Assert.Equal(1, await db.Jobs.CountAsync(j => j.ImageId == id && j.Type == JobType.Thumbnail));
            }
        }

        using var running = new PipelineAppFactory(dataDirectory: data);
        _ = running.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var db = running.CreateDbContext();
            if (await db.Images.CountAsync(i => i.Status == ImageStatus.Stored) == 3)
            {
                Assert.All(await db.Images.ToListAsync(), i => Assert.True(File.Exists(Path.Combine(data, i.ThumbnailPath!))));
                break;
            }

            if (DateTime.UtcNow > deadline)
            {
                var states = string.Join("; ", (await db.Jobs.ToListAsync()).Select(j => $"{j.Type} {j.Status} {j.Attempts} {j.LastError} {j.RunAfter:o}"));
                Assert.Fail($"legacy images were not stored within 30 s: {states}");
            }

            await Task.Delay(100);
        }
    }
    [Fact]
    public async Task Phase5_removes_older_duplicate_jobs_keeps_every_image_and_makes_both_indexes_unique()
    {
        var dbPath = Path.Combine(_data, "pipeline.db");
        var options = new DbContextOptionsBuilder<Core.Data.PipelineDbContext>().UseSqlite($"Data Source={dbPath};Pooling=False").Options;
        await using (var phase4 = new Core.Data.PipelineDbContext(options))
        {
            await phase4.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync("20261126141451_Phase4ImageListIndexes");
            await phase4.Database.ExecuteSqlRawAsync("""
                INSERT INTO Images (Id, FileName, ContentType, Size, Width, Height, OriginalPath, Sha256, OwnerId, Status, CreatedAt, UpdatedAt) VALUES
                  ('AAAAAAAA-0000-0000-0000-000000000001', 'first.jpg', 'image/jpeg', 1, 1, 1, 'originals/a1.jpg', 'same', 'alice', 'FAILED', '2026-01-01 10:00:00', '2026-01-01 10:00:00'),
                  ('AAAAAAAA-0000-0000-0000-000000000002', 'again.jpg', 'image/jpeg', 1, 1, 1, 'originals/a2.jpg', 'same', 'alice', 'STORED', '2026-01-02 10:00:00', '2026-01-02 10:00:00'),
                  ('AAAAAAAA-0000-0000-0000-000000000003', 'bobs.jpg', 'image/jpeg', 1, 1, 1, 'originals/a3.jpg', 'same', 'bob', 'STORED', '2026-01-03 10:00:00', '2026-01-03 10:00:00');
                INSERT INTO Jobs (Id, ImageId, Type, Status, Attempts, MaxAttempts, LastError, RunAfter, CreatedAt, UpdatedAt) VALUES
                  ('BBBBBBBB-0000-0000-0000-000000000001', 'AAAAAAAA-0000-0000-0000-000000000001', 'PREVIEW', 'FAILED', 3, 3, 'IOException: disk full', '2026-01-01 10:00:00', '2026-01-01 10:00:00', '2026-01-01 10:00:00'),
                  ('BBBBBBBB-0000-0000-0000-000000000002', 'AAAAAAAA-0000-0000-0000-000000000001', 'PREVIEW', 'COMPLETED', 1, 3, NULL, '2026-01-05 10:00:00', '2026-01-05 10:00:00', '2026-01-05 10:00:00'),
                  ('BBBBBBBB-0000-0000-0000-000000000003', 'AAAAAAAA-0000-0000-0000-000000000001', 'THUMBNAIL', 'COMPLETED', 1, 3, NULL, '2026-01-01 10:00:00', '2026-01-01 10:00:00', '2026-01-01 10:00:00');
                INSERT INTO JobAttempts (JobId, Number, RunnerId, StartedAt, Outcome) VALUES
                  ('BBBBBBBB-0000-0000-0000-000000000001', 1, 'old-runner', '2026-01-01 10:00:00', 'FAILED');
                """);
        }

        using var app = new PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" }, _data);
        _ = app.CreateClient(); // starts the app: backup, then migrations

        await using var db = app.CreateDbContext();
        var jobs = await db.Jobs.OrderBy(j => j.Id).ToListAsync();
        Assert.Equal(["BBBBBBBB-0000-0000-0000-000000000002", "BBBBBBBB-0000-0000-0000-000000000003"], jobs.Select(j => j.Id.ToString().ToUpperInvariant()));
        Assert.Equal(0, await db.JobAttempts.CountAsync());
        var images = await db.Images.OrderBy(i => i.CreatedAt).ToListAsync();
        Assert.Equal(3, images.Count);
        Assert.Equal(["same", null, "same"], images.Select(i => i.Sha256));
        Assert.Equal(ImageStatus.Stored, images[0].Status); // its FAILED job was the older duplicate
        Assert.All(images, i => Assert.Equal(0, i.OwnerRetries));

        db.Jobs.Add(new Job { Id = Guid.NewGuid(), ImageId = images[0].Id, Type = JobType.Preview });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        db.ChangeTracker.Clear();
        var duplicate = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() =>
            db.Images.Where(i => i.Sha256 == null).ExecuteUpdateAsync(s => s.SetProperty(i => i.Sha256, "same")));
        Assert.True(Core.Data.UniqueViolation.Is(duplicate));
    }
}
