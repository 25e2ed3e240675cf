using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Tests.Hosting;
using ImagePipeline.Tests.Support;
using Xunit.Abstractions;

namespace ImagePipeline.Tests.Reliability;

/// <summary>1,000 distinct small uploads from 16 concurrent clients against the published app: none lost, none doubled, no 5xx.</summary>
[Collection(PublishedBinaryCollection.Name)]
[Trait("Category", "Reliability")]
public sealed class LoadTests(PublishedBinaryFixture binary, ITestOutputHelper output)
{
    private const int Uploads = 1000;
    private const int Clients = 16;

    [Fact]
    public async Task Thousand_uploads_from_sixteen_clients_all_end_stored_once()
    {
        var ct = CancellationToken.None;
        var folder = binary.NewInstallFolder();
        var probe = new DataDirectoryProbe(Path.Combine(folder, "data"));
        var images = Enumerable.Range(0, Uploads).Select(Png).ToArray();
        await using var app = await RunningApp.StartAsync(folder, cancellationToken: ct);

        var uploadLatencies = new ConcurrentBag<double>();
        var accepted = new ConcurrentDictionary<Guid, DateTime>();
        var statuses = new ConcurrentBag<int>();
        long peakRss = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakRss = Math.Max(peakRss, app.ResidentBytes());
                await Task.Delay(100, CancellationToken.None);
            }
        }, CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Uploads)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await PipelineApiClient.UploadAsync(app.Client, images[i], $"load-{i}.png", ct);
                uploadLatencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                statuses.Add((int)response.StatusCode);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("imageId").GetGuid();
                    accepted[id] = DateTime.UtcNow;
                }
            }
        }, ct)));
        var uploadTime = clock.Elapsed;

        // upload→STORED: poll the list until every image is stored, noting when each is first seen stored.
        var storedAt = new Dictionary<Guid, DateTime>();
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (storedAt.Count < accepted.Count && DateTime.UtcNow < deadline)
        {
            for (var page = 1; ; page++)
            {
                var list = await app.Client.GetFromJsonAsync<JsonElement>($"api/images?status=STORED&page={page}&pageSize=200", ct);
                var items = list.GetProperty("items").EnumerateArray().ToList();
                foreach (var item in items)
                {
                    storedAt.TryAdd(item.GetProperty("imageId").GetGuid(), DateTime.UtcNow);
                }

                if (items.Count < 200)
                {
                    break;
                }
            }

            await Task.Delay(250, ct);
        }

        sampling.Cancel();
        await sampler;
        var total = clock.Elapsed;

        var toStored = accepted.Where(a => storedAt.ContainsKey(a.Key)).Select(a => (storedAt[a.Key] - a.Value).TotalMilliseconds).Order().ToList();
        var latencies = uploadLatencies.Order().ToList();
        output.WriteLine($"{Uploads} uploads, {Clients} clients: uploads took {uploadTime.TotalSeconds:F1} s, all stored after {total.TotalSeconds:F1} s");
        output.WriteLine($"upload latency p50 {Percentile(latencies, 0.50):F0} ms, p95 {Percentile(latencies, 0.95):F0} ms");
        output.WriteLine($"upload→STORED p50 {Percentile(toStored, 0.50):F0} ms, p95 {Percentile(toStored, 0.95):F0} ms (polled every 250 ms)");
        output.WriteLine($"peak RSS {peakRss / (1024 * 1024)} MiB; statuses {string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Key}×{g.Count()}"))}");

        Assert.DoesNotContain(statuses, s => s >= 500);
        Assert.All(statuses, s => Assert.Equal(201, s));
        Assert.Equal(Uploads, accepted.Count);
        Assert.Equal(Uploads, storedAt.Count(s => accepted.ContainsKey(s.Key)));
        Assert.Equal(Uploads, probe.Count("SELECT COUNT(*) FROM Images"));
        Assert.Equal(2 * Uploads, probe.Count("SELECT COUNT(*) FROM Jobs"));
        Assert.Equal(0, probe.Count("SELECT COUNT(*) FROM (SELECT ImageId, Type FROM Jobs GROUP BY ImageId, Type HAVING COUNT(*) > 1)"));
        Assert.True(peakRss < 1L << 30, $"peak RSS {peakRss}");
        await app.KillAsync();
        Directory.Delete(folder, recursive: true);
    }

    private static byte[] Png(int seed) => TestImages.DistinctPng(seed, 96, 64);

    private static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
