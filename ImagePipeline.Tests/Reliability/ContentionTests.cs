using System.Collections.Concurrent;
using System.Net;
using ImagePipeline.Tests.Hosting;
using ImagePipeline.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ImagePipeline.Tests.Reliability;

/// <summary>
/// Two app processes on one data directory and one SQLite file: first one with its runner off and one on, then both on.
/// 300 uploads spread over both; each becomes STORED exactly once (one completion per job) and no client sees a lock error.
/// </summary>
[Collection(PublishedBinaryCollection.Name)]
[Trait("Category", "Reliability")]
[Trait(TestDatabase.Trait, TestDatabase.SqliteOnly)] // several processes on one SQLite file
public sealed class ContentionTests(PublishedBinaryFixture binary, ITestOutputHelper output)
{
    private const int UploadsPerPhase = 150;

    [Fact]
    public async Task Two_processes_on_one_database_store_every_upload_exactly_once()
    {
        var ct = CancellationToken.None;
        var folder = binary.NewInstallFolder();
        var statuses = new ConcurrentBag<(int Status, string Body)>();
        var accepted = new ConcurrentBag<(Guid Id, RunningApp App)>();

        await using (var processing = await RunningApp.StartAsync(folder, cancellationToken: ct))
        {
            await using (var ingestOnly = await RunningApp.StartAsync(folder, new Dictionary<string, string> { ["Pipeline__Runner__Enabled"] = "false" }, ct))
            {
                await UploadSpreadAsync([ingestOnly, processing], seedOffset: 0, statuses, accepted);
                await WaitAllStoredAsync(processing, accepted);
            }

            await using var secondRunner = await RunningApp.StartAsync(folder, cancellationToken: ct);
            await UploadSpreadAsync([processing, secondRunner], seedOffset: UploadsPerPhase, statuses, accepted);
            await WaitAllStoredAsync(secondRunner, accepted);
            await secondRunner.TerminateAsync(TimeSpan.FromSeconds(10));
            await processing.TerminateAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(2 * UploadsPerPhase, statuses.Count);
        Assert.All(statuses, s => Assert.True(s.Status == 201, $"upload answered {s.Status}: {s.Body}"));
        Assert.DoesNotContain(statuses, s => s.Body.Contains("locked", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(2 * UploadsPerPhase, accepted.Select(a => a.Id).Distinct().Count());

        await using var db = new SqliteConnection($"Data Source={Path.Combine(folder, "data", "pipeline.db")};Pooling=False");
        await db.OpenAsync(ct);
        Assert.Equal(2 * UploadsPerPhase, await ScalarAsync(db, "SELECT COUNT(*) FROM Images WHERE Status = 'STORED'"));
        Assert.Equal(4 * UploadsPerPhase, await ScalarAsync(db, "SELECT COUNT(*) FROM Jobs WHERE Status = 'COMPLETED' AND LockedBy IS NULL"));
        Assert.Equal(0, await ScalarAsync(db, "SELECT COUNT(*) FROM (SELECT ImageId, Type FROM Jobs GROUP BY ImageId, Type HAVING COUNT(*) > 1)"));
        // Exactly one completion per job: no job was run to the end twice.
        Assert.Equal(0, await ScalarAsync(db, "SELECT COUNT(*) FROM (SELECT JobId FROM JobAttempts WHERE Outcome = 'COMPLETED' GROUP BY JobId HAVING COUNT(*) <> 1)"));
        Assert.Equal(4 * UploadsPerPhase, await ScalarAsync(db, "SELECT COUNT(DISTINCT JobId) FROM JobAttempts WHERE Outcome = 'COMPLETED'"));
        var runners = await ScalarAsync(db, "SELECT COUNT(DISTINCT RunnerId) FROM JobAttempts");
        output.WriteLine($"300 uploads over two processes; jobs completed by {runners} runner(s)");
        Assert.True(runners >= 2, "in the second phase both processes should have run jobs");
    }

    private static async Task UploadSpreadAsync(RunningApp[] apps, int seedOffset, ConcurrentBag<(int, string)> statuses, ConcurrentBag<(Guid, RunningApp)> accepted)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < UploadsPerPhase)
            {
                var app = apps[i % apps.Length];
                using var response = await PipelineApiClient.UploadAsync(app.Client, Png(seedOffset + i), $"c-{seedOffset + i}.png", CancellationToken.None);
                var body = await response.Content.ReadAsStringAsync();
                statuses.Add(((int)response.StatusCode, body));
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    accepted.Add((System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("imageId").GetGuid(), app));
                }
            }
        })));
    }

    private static async Task WaitAllStoredAsync(RunningApp reader, ConcurrentBag<(Guid Id, RunningApp App)> accepted)
    {
        foreach (var (id, _) in accepted)
        {
            Assert.Equal("STORED", await PipelineApiClient.WaitForStatusAsync(reader.Client, id, TimeSpan.FromSeconds(90), CancellationToken.None, "STORED", "FAILED"));
        }
    }

    private static async Task<long> ScalarAsync(SqliteConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static byte[] Png(int seed) => TestImages.DistinctPng(seed, 80, 60);
}
