using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Tests.Hosting;
using ImagePipeline.Tests.Reliability;
using ImagePipeline.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace ImagePipeline.Tests.Scale;

/// <summary>
/// The published app as several processes on one PostgreSQL database, one Redis and one shared data directory
/// (README "Scaling out"). Needs IMAGEPIPELINE_TEST_POSTGRES and IMAGEPIPELINE_TEST_REDIS (./test.sh starts both).
/// </summary>
[Collection(PublishedBinaryCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class MultiInstanceTests(PublishedBinaryFixture binary, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_Web_and_a_Worker_instance_share_the_work_and_the_events()
    {
        await using var deployment = new ScaleOutDeployment(binary, "webworker");
        var web = await deployment.StartAsync("Web");
        // The Worker polls every 30 minutes: every upload must reach it through the wake-up across instances (Redis).
        var worker = await deployment.StartAsync("Worker", new Dictionary<string, string> { ["Pipeline__Runner__PollInterval"] = "00:30:00" });

        // A Worker answers /health and nothing else.
        using (var page = await worker.Client.GetAsync("api/images"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, page.StatusCode);
        }

        var stored = new ConcurrentDictionary<Guid, int>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(web.BaseAddress, "hubs/progress"), o => o.Headers["X-Api-Key"] = ScaleOutDeployment.ApiKey(web))
            .Build();
        hub.On<JsonElement>("ImageStatusChanged", e =>
        {
            if (e.GetProperty("status").GetString() == "STORED")
            {
                stored.AddOrUpdate(e.GetProperty("imageId").GetGuid(), 1, (_, n) => n + 1);
            }
        });
        await hub.StartAsync();
        await hub.InvokeAsync("SubscribeToAll");

        var ids = new List<Guid>();
        for (var i = 0; i < 100; i++)
        {
            ids.Add(await PipelineApiClient.UploadNewAsync(web.Client, ScaleOutDeployment.TinyImage(14_000 + i), $"scale-{i}.png", CancellationToken.None));
        }

        foreach (var id in ids)
        {
            Assert.Equal("STORED", await PipelineApiClient.WaitForStatusAsync(web.Client, id, Patience, CancellationToken.None, "STORED", "FAILED"));
        }

        // Every job COMPLETED, by exactly one attempt, all of them on the Worker: the Web instance runs no jobs.
        var attempts = await deployment.AttemptsAsync();
        var jobs = await deployment.QueryAsync("""SELECT "Id", "Status" FROM "Jobs" """, r => (Id: r.GetGuid(0), Status: r.GetString(1)));
        Assert.Equal(200, jobs.Count);
        Assert.All(jobs, j => Assert.Equal("COMPLETED", j.Status));
        Assert.All(jobs, j => Assert.Single(attempts, a => a.JobId == j.Id && a.Outcome == "COMPLETED"));
        Assert.DoesNotContain(attempts, a => ScaleOutDeployment.RanOn(a.RunnerId, web));
        Assert.All(attempts, a => Assert.True(ScaleOutDeployment.RanOn(a.RunnerId, worker), $"attempt on {a.RunnerId}, not the worker {worker.ProcessId}"));

        // The hub on the Web instance delivered the Worker's STORED event of every image, once.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (ids.Any(id => !stored.ContainsKey(id)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.All(ids, id => Assert.True(stored.TryGetValue(id, out var count) && count == 1, $"image {id}: {(stored.TryGetValue(id, out var n) ? n : 0)} STORED event(s)"));

        // Job details name the runner of each attempt.
        var job = jobs[0].Id;
        var detail = await web.Client.GetFromJsonAsync<JsonElement>($"api/admin/jobs/{job}");
        Assert.Contains(detail.EnumerateObject(), p => p.Value.ToString().Contains($":{worker.ProcessId}:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_Redis_an_upload_on_the_Web_instance_wakes_the_Worker_through_PostgreSQL_NOTIFY()
    {
        await using var deployment = new ScaleOutDeployment(binary, "notify", redis: false);
        var web = await deployment.StartAsync("Web");
        // The Worker's first poll runs at start; after that only a wake-up brings it back within the test.
        var worker = await deployment.StartAsync("Worker", new Dictionary<string, string> { ["Pipeline__Runner__PollInterval"] = "00:30:00" });
        using (var health = await web.Client.GetAsync("health"))
        {
            Assert.DoesNotContain("redis", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await PipelineApiClient.UploadNewAsync(web.Client, ScaleOutDeployment.TinyImage(16_000 + i), $"notify-{i}.png", CancellationToken.None));
        }

        foreach (var id in ids)
        {
            Assert.Equal("STORED", await PipelineApiClient.WaitForStatusAsync(web.Client, id, Patience, CancellationToken.None, "STORED", "FAILED"));
        }

        var attempts = await deployment.AttemptsAsync();
        Assert.Equal(10, attempts.Count);
        Assert.All(attempts, a => Assert.True(ScaleOutDeployment.RanOn(a.RunnerId, worker)));
    }

    [Fact]
    public async Task Kill_9_of_one_Worker_mid_job_the_other_takes_the_job_over_after_the_lease()
    {
        var shortLease = new Dictionary<string, string>
        {
            ["Pipeline__Runner__LeaseDuration"] = "00:00:03",
            ["Pipeline__Runner__Concurrency"] = "1",
        };
        await using var deployment = new ScaleOutDeployment(binary, "twoworkers");
        var web = await deployment.StartAsync("Web");

        // Queue the work first (the pause is kept in the shared database), so both Workers find it waiting.
        (await web.Client.PostAsync("api/admin/runner/pause", null)).EnsureSuccessStatusCode();
        var photo = await File.ReadAllBytesAsync(TestPaths.Image("path-upscaled-6000x4000-grain.jpg"));
        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await PipelineApiClient.UploadNewAsync(web.Client, JpegVariants.WithComment(photo, $"twoworkers-{i}-{Guid.NewGuid():N}"), $"big-{i}.jpg", CancellationToken.None));
        }

        var doomed = await deployment.StartAsync("Worker", shortLease);
        var survivor = await deployment.StartAsync("Worker", shortLease);
        (await web.Client.PostAsync("api/admin/runner/resume", null)).EnsureSuccessStatusCode();

        // Kill the first Worker while it holds a preview (hundreds of ms of work on a 24 MP photo).
        var held = await WaitForJobHeldByAsync(deployment, doomed);
        await doomed.KillAsync();
        output.WriteLine($"killed worker {doomed.ProcessId} holding job {held}");

        foreach (var id in ids)
        {
            Assert.Equal("STORED", await PipelineApiClient.WaitForStatusAsync(web.Client, id, Patience, CancellationToken.None, "STORED", "FAILED"));
        }

        var attempts = await deployment.AttemptsAsync();
        var onHeld = attempts.Where(a => a.JobId == held).ToList();
        Assert.Contains(onHeld, a => a.Outcome == "LOST" && ScaleOutDeployment.RanOn(a.RunnerId, doomed));
        Assert.Contains(onHeld, a => a.Outcome == "COMPLETED" && ScaleOutDeployment.RanOn(a.RunnerId, survivor));
        var jobs = await deployment.QueryAsync("""SELECT "Status" FROM "Jobs" """, r => r.GetString(0));
        Assert.All(jobs, status => Assert.Equal("COMPLETED", status));
    }

    [Fact]
    public async Task Two_instances_started_at_the_same_moment_on_an_empty_database_both_come_up()
    {
        await using var deployment = new ScaleOutDeployment(binary, "together");
        var both = await Task.WhenAll(deployment.StartAsync("All"), deployment.StartAsync("All"));

        // One created the database and migrated under the advisory lock; the other waited and found nothing pending.
        var migrated = both.Count(a => a.Output.Contains("Applied migrations", StringComparison.Ordinal));
        Assert.True(migrated == 1, $"{migrated} instance(s) applied migrations:\n{deployment.Logs()}");
        var history = await deployment.QueryAsync("""SELECT "MigrationId" FROM "__EFMigrationsHistory" """, r => r.GetString(0));
        Assert.NotEmpty(history);

        // Both serve: an upload on one is processed and visible on the other.
        var id = await PipelineApiClient.UploadNewAsync(both[0].Client, ScaleOutDeployment.TinyImage(15_001), "together.png", CancellationToken.None);
        Assert.Equal("STORED", await PipelineApiClient.WaitForStatusAsync(both[1].Client, id, Patience, CancellationToken.None, "STORED", "FAILED"));
    }

    private static async Task<Guid> WaitForJobHeldByAsync(ScaleOutDeployment deployment, RunningApp worker)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var held = await deployment.QueryAsync(
                """SELECT "Id", "LockedBy" FROM "Jobs" WHERE "Status" = 'PROCESSING' AND "Type" = 'PREVIEW' AND "LockedBy" IS NOT NULL""",
                r => (Id: r.GetGuid(0), LockedBy: r.GetString(1)));
            if (held.FirstOrDefault(h => ScaleOutDeployment.RanOn(h.LockedBy, worker)) is { LockedBy: not null } mine)
            {
                return mine.Id;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"Worker {worker.ProcessId} never held a preview job.");
    }
}
