using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Bench.EndToEnd;
using ImagePipeline.Bench.Measurement;
using Npgsql;

namespace ImagePipeline.Bench.Scale;

/// <summary>
/// The scale-out deployment (README "Scaling out"): the Release app as separate processes on one PostgreSQL database, one
/// shared data directory and Redis, each process with its <c>Pipeline:Role</c>. (a) throughput of N × 24 MP uploads from
/// 4 clients against one Web instance with one and with two Worker instances; (b) upload → <c>STORED</c> of a tiny PNG one at a
/// time with Web and Worker apart vs one <c>All</c> instance on the same server, interleaved. A SignalR client on the Web
/// instance times each upload to its <c>STORED</c> event (which a Worker's change reaches through Redis).
/// Servers: <c>IMAGEPIPELINE_BENCH_POSTGRES</c> (an Npgsql connection string without a database) and
/// <c>IMAGEPIPELINE_BENCH_REDIS</c> (host:port), else the test suite's <c>IMAGEPIPELINE_TEST_POSTGRES</c>/<c>IMAGEPIPELINE_TEST_REDIS</c>
/// (<c>source .ci/services.sh &amp;&amp; start_test_services</c> starts throwaway ones). Each deployment gets a fresh database, dropped afterwards.
/// </summary>
public sealed class ScaleBenchmark(int runs, string outputRoot, int images)
{
    public const int Clients = 4;
    private static readonly TimeSpan StoredTimeout = TimeSpan.FromMinutes(10);
    private int _counter;

    public async Task RunAsync(TextWriter report)
    {
        var server = Variable("IMAGEPIPELINE_BENCH_POSTGRES", "IMAGEPIPELINE_TEST_POSTGRES");
        var redis = Variable("IMAGEPIPELINE_BENCH_REDIS", "IMAGEPIPELINE_TEST_REDIS");
        var appDll = await AppHost.LocateAsync(outputRoot);
        var photo = await File.ReadAllBytesAsync(Path.Combine(Corpus.Directory(), EndToEndBenchmark.PhotoFile));
        var loads = new List<(string When, string Load)> { ("start", MachineInfo.LoadAverage()) };

        // (a) throughput: one Web + one Worker, then one Web + two Workers, each on a fresh database and data directory.
        var batches = new List<(int Workers, List<double> Latencies, double Seconds)>();
        foreach (var workers in new[] { 1, 2 })
        {
            Console.Error.WriteLine($"  {images} × 24 MP from {Clients} clients, 1 Web + {workers} Worker(s)...");
            await using var deployment = new Deployment(appDll, outputRoot, server, redis, $"batch{workers}");
            var web = await deployment.StartAsync("Web");
            for (var i = 0; i < workers; i++)
            {
                await deployment.StartAsync("Worker");
            }

            await using var watcher = await StatusWatcher.ConnectAsync(web.BaseAddress, AppHost.ApiKey);
            await OneAsync(web.Client, watcher, UploadFiles.WithComment(photo, Tag()), "warm-up.jpg", "image/jpeg"); // warm-up, not counted
            loads.Add(($"before the batch, {workers} Worker(s)", MachineInfo.LoadAverage()));
            var next = 0;
            var started = Stopwatch.GetTimestamp();
            var clients = Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
            {
                using var client = web.CreateClient(withKey: true);
                var mine = new List<double>();
                while (Interlocked.Increment(ref next) <= images)
                {
                    mine.Add(await OneAsync(client, watcher, UploadFiles.WithComment(photo, Tag()), "batch.jpg", "image/jpeg"));
                }

                return mine;
            })).ToArray();
            var latencies = (await Task.WhenAll(clients)).SelectMany(l => l).ToList();
            batches.Add((workers, latencies, Stopwatch.GetElapsedTime(started).TotalSeconds));
            loads.Add(($"after the batch, {workers} Worker(s)", MachineInfo.LoadAverage()));
        }

        // (b) a tiny PNG at a time: Web + Worker apart vs one All instance, both deployments up, uploads alternating.
        Console.Error.WriteLine("  tiny PNG one at a time, Web + Worker vs All...");
        var split = new List<double>();
        var single = new List<double>();
        await using (var apart = new Deployment(appDll, outputRoot, server, redis, "apart"))
        await using (var all = new Deployment(appDll, outputRoot, server, redis, "all"))
        {
            var apartWeb = await apart.StartAsync("Web");
            await apart.StartAsync("Worker");
            var allApp = await all.StartAsync("All");
            await using var apartWatcher = await StatusWatcher.ConnectAsync(apartWeb.BaseAddress, AppHost.ApiKey);
            await using var allWatcher = await StatusWatcher.ConnectAsync(allApp.BaseAddress, AppHost.ApiKey);
            loads.Add(("before the tiny PNGs", MachineInfo.LoadAverage()));
            var samples = Math.Max(10, runs * 4);
            for (var i = -3; i < samples; i++)
            {
                for (var turn = 0; turn < 2; turn++)
                {
                    var toApart = (turn + i) % 2 == 0;
                    var ms = toApart
                        ? await OneAsync(apartWeb.Client, apartWatcher, UploadFiles.TinyPng(Interlocked.Increment(ref _counter)), "tiny.png", "image/png")
                        : await OneAsync(allApp.Client, allWatcher, UploadFiles.TinyPng(Interlocked.Increment(ref _counter)), "tiny.png", "image/png");
                    if (i >= 0)
                    {
                        (toApart ? split : single).Add(ms);
                    }
                }
            }

            loads.Add(("after the tiny PNGs", MachineInfo.LoadAverage()));
        }

        report.WriteLine("## Scale-out: PostgreSQL + Redis, Web and Worker processes");
        report.WriteLine();
        report.WriteLine($"The Release app (as in `e2e`) started as separate processes on 127.0.0.1, each deployment on a fresh PostgreSQL database "
            + $"(`Pipeline:Database:Provider=Postgres`), one shared data directory, Redis (`ConnectionStrings:Redis`, its own channel prefix) and "
            + $"`Pipeline:Role` per process; default settings otherwise (runner concurrency = {Environment.ProcessorCount} cores per Worker). "
            + "Latency: start of `POST /api/upload` on the Web instance → `ImageStatusChanged STORED` at a .NET SignalR client of that Web instance "
            + "(a Worker's change reaches it through Redis). Every upload is distinct bytes. Milliseconds.");
        report.WriteLine();
        report.WriteLine("Load average (1 / 5 / 15 min): " + string.Join("; ", loads.Select(l => $"{l.When}: {l.Load}")) + ".");
        report.WriteLine();
        var throughput = new MarkdownTable("case", "images", "seconds", "images/min", "latency median", "p95", "min", "max");
        foreach (var (workers, latencies, seconds) in batches)
        {
            var stats = Stats.Of(latencies);
            throughput.Add($"{images} × 24 MP ({EndToEndBenchmark.PhotoFile}), {Clients} clients, 1 Web + {workers} Worker{(workers > 1 ? "s" : "")}",
                images.ToString(CultureInfo.InvariantCulture), F(seconds), F(images / seconds * 60), F(stats.Median), F(Stats.Quantile(latencies, 0.95)), F(stats.Min), F(stats.Max));
        }

        report.WriteLine(throughput);
        var tiny = new MarkdownTable("case", "n", "median (min–max)", "p95");
        tiny.Add("tiny PNG (64×48) one at a time, 1 Web + 1 Worker", split.Count.ToString(CultureInfo.InvariantCulture), Stats.Of(split).Format(), F(Stats.Quantile(split, 0.95)));
        tiny.Add("tiny PNG (64×48) one at a time, 1 All", single.Count.ToString(CultureInfo.InvariantCulture), Stats.Of(single).Format(), F(Stats.Quantile(single, 0.95)));
        report.WriteLine(tiny);
    }

    private static string F(double value) => value.ToString("F0", CultureInfo.InvariantCulture);

    private static string Variable(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value
        : Environment.GetEnvironmentVariable(fallback) is { Length: > 0 } test ? test
        : throw new InvalidOperationException($"Set {name} (or {fallback}); `source .ci/services.sh && start_test_services` starts a throwaway PostgreSQL and Redis and sets the IMAGEPIPELINE_TEST_* ones.");

    private string Tag() => $"ImagePipeline scale bench {Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture)} {Guid.NewGuid():N}";

    private static async Task<double> OneAsync(HttpClient client, StatusWatcher watcher, byte[] body, string fileName, string contentType)
    {
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(body);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        content.Add(file, "file", fileName);
        var started = Stopwatch.GetTimestamp();
        using var response = await client.PostAsync("/api/upload", content);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Upload of {fileName} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var imageId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imageId").GetGuid();
        var stored = await watcher.StoredAsync(imageId, StoredTimeout);
        return Stopwatch.GetElapsedTime(started, stored).TotalMilliseconds;
    }

    /// <summary>One deployment: a fresh database on the server, a data directory, a Redis channel prefix; its processes.</summary>
    private sealed class Deployment(string appDll, string outputRoot, string server, string redis, string name) : IAsyncDisposable
    {
        private readonly List<AppHost> _apps = [];
        private readonly string _connection = new NpgsqlConnectionStringBuilder(server) { Database = $"ip_bench_{name}_{Guid.NewGuid():N}"[..40] }.ConnectionString;
        private readonly string _data = Path.Combine(outputRoot, $"scale-{name}-data");
        private readonly string _prefix = $"ip-bench-{name}-{Guid.NewGuid():N}";

        public async Task<AppHost> StartAsync(string role)
        {
            var app = await AppHost.StartAsync(appDll, _data, new Dictionary<string, string>
            {
                ["Pipeline__Role"] = role,
                ["Pipeline__Database__Provider"] = "Postgres",
                ["ConnectionStrings__Pipeline"] = _connection,
                ["ConnectionStrings__Redis"] = redis,
                ["Pipeline__Redis__ChannelPrefix"] = _prefix,
            }, $"scale-{name}-{role.ToLowerInvariant()}-{_apps.Count}");
            _apps.Add(app);
            return app;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var app in _apps)
            {
                await app.DisposeAsync();
            }

            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(_connection).Database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
