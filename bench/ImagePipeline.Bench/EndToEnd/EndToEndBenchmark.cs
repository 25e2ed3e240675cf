using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ImagePipeline.Bench.Measurement;
using ImagePipeline.Bench.Processing;

namespace ImagePipeline.Bench.EndToEnd;

/// <summary>
/// Upload → <c>STORED</c> through the real app: a Release build in its own process on 127.0.0.1, a SignalR client on
/// <c>/hubs/progress</c> (<c>SubscribeToAll</c>), latency from the start of the POST to the <c>ImageStatusChanged STORED</c> event.
/// </summary>
public sealed class EndToEndBenchmark(int runs, string outputRoot)
{
    public const string PhotoFile = "path-upscaled-6000x4000-grain.jpg";
    public const int BatchImages = 200;
    public const int BatchClients = 4;
    private static readonly TimeSpan StoredTimeout = TimeSpan.FromMinutes(5);
    private int _counter;

    public async Task RunAsync(TextWriter report)
    {
        var appDll = await AppHost.LocateAsync(outputRoot);
        var loadBefore = MachineInfo.LoadAverage();
        var photoPath = Path.Combine(Corpus.Directory(), PhotoFile);
        var photo = await File.ReadAllBytesAsync(photoPath);
        Console.Error.WriteLine("  starting the app...");
        await using var app = await AppHost.StartAsync(appDll, Path.Combine(outputRoot, "e2e-data"));
        await Task.Delay(TimeSpan.FromSeconds(5));
        var idleAtStart = app.ResidentMegabytes();
        var idleAtStartComposition = app.ResidentComposition();
        await using var watcher = await StatusWatcher.ConnectAsync(app.BaseAddress, AppHost.ApiKey);

        var vipsPath = VipsThumbnailEngine.Find();
        var vips = vipsPath is null ? null : new VipsThumbnailEngine(vipsPath);
        var vipsOutput = Directory.CreateDirectory(Path.Combine(outputRoot, "e2e-vips")).FullName;

        // (a) one 24 MP photo at a time, interleaved with vipsthumbnail on the same file (order alternating).
        Console.Error.WriteLine("  24 MP one at a time...");
        var photoSamples = new List<Sample>();
        var photoWork = new List<double>();
        var photoReceive = new List<double>();
        var vipsSamples = new List<double>();
        var photoRuns = Math.Max(10, runs * 2);
        for (var i = -1; i < photoRuns; i++)
        {
            Sample? sample = null;
            double vipsMs = double.NaN;
            for (var turn = 0; turn < 2; turn++)
            {
                if ((turn + i) % 2 == 0)
                {
                    var before = await AppMetrics.HandlerMillisecondsAsync(app.Client);
                    sample = await OneAsync(app.Client, watcher, UploadFiles.WithComment(photo, Tag()), "photo.jpg", "image/jpeg");
                    var after = await AppMetrics.HandlerMillisecondsAsync(app.Client);
                    if (i >= 0)
                    {
                        photoWork.Add(AppMetrics.Delta(before, after, "PREVIEW") + AppMetrics.Delta(before, after, "THUMBNAIL"));
                        photoReceive.Add(AppMetrics.Delta(before, after, AppMetrics.Receive));
                    }
                }
                else if (vips is not null)
                {
                    vipsMs = await Stopwatches.TimeAsync(() => vips.RunAsync(photoPath, vipsOutput, "e2e"));
                }
            }

            if (i >= 0)
            {
                photoSamples.Add(sample!);
                vipsSamples.Add(vipsMs);
            }
        }

        // (b) tiny PNGs, one at a time.
        Console.Error.WriteLine("  tiny PNG one at a time...");
        var pngSamples = new List<Sample>();
        for (var i = -3; i < Math.Max(30, runs * 6); i++)
        {
            var sample = await OneAsync(app.Client, watcher, UploadFiles.TinyPng(Interlocked.Increment(ref _counter)), "tiny.png", "image/png");
            if (i >= 0)
            {
                pngSamples.Add(sample);
            }
        }

        // 50 MB upload: the 24 MP JPEG padded with a chain of COM segments; wait for STORED before the next.
        Console.Error.WriteLine("  50 MB uploads...");
        var bigSamples = new List<Sample>();
        const long bigBytes = 50L * 1024 * 1024;
        long bigSize = 0;
        for (var i = -1; i < Math.Max(5, runs); i++)
        {
            var body = UploadFiles.Padded(photo, bigBytes, Tag());
            bigSize = body.Length;
            var sample = await OneAsync(app.Client, watcher, body, "big.jpg", "image/jpeg");
            if (i >= 0)
            {
                bigSamples.Add(sample);
            }
        }

        // (c) 200 × 24 MP from 4 clients, each uploading its next photo once the last is STORED.
        Console.Error.WriteLine($"  {BatchImages} × 24 MP from {BatchClients} clients...");
        await Task.Delay(TimeSpan.FromSeconds(5));
        var beforeBatch = app.ResidentMegabytes();
        var peakReset = app.ResetPeak();
        var batch = new List<Sample>();
        var next = 0;
        var sampledPeak = 0.0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                sampledPeak = Math.Max(sampledPeak, app.ResidentMegabytes());
                try
                {
                    await Task.Delay(100, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
        var batchStarted = Stopwatch.GetTimestamp();
        var clients = Enumerable.Range(0, BatchClients).Select(_ => Task.Run(async () =>
        {
            using var client = app.CreateClient(withKey: true);
            var mine = new List<Sample>();
            while (Interlocked.Increment(ref next) <= BatchImages)
            {
                mine.Add(await OneAsync(client, watcher, UploadFiles.WithComment(photo, Tag()), "batch.jpg", "image/jpeg"));
            }

            return mine;
        })).ToArray();
        foreach (var list in await Task.WhenAll(clients))
        {
            batch.AddRange(list);
        }

        var batchSeconds = Stopwatch.GetElapsedTime(batchStarted).TotalSeconds;
        await sampling.CancelAsync();
        await sampler;
        var peak = app.PeakResidentMegabytes();
        var peakForBatch = peakReset ? peak : Math.Max(peak, sampledPeak);
        var idle = new List<(int Seconds, double Mb)>();
        foreach (var seconds in new[] { 5, 15, 30 })
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds - (idle.Count == 0 ? 0 : idle[^1].Seconds)));
            idle.Add((seconds, app.ResidentMegabytes()));
        }

        var idleComposition = app.ResidentComposition();

        var throughput = BatchImages / batchSeconds * 60;

        // Report.
        report.WriteLine("## End to end: upload → STORED through the running app");
        report.WriteLine();
        report.WriteLine($"Load average (1, 5, 15 min) before: {loadBefore}; after: {MachineInfo.LoadAverage()}.");
        report.WriteLine();
        report.WriteLine($"The Release build of ImagePipeline.Web in its own process (`dotnet ImagePipeline.Web.dll`, 127.0.0.1, temp data directory, "
            + $"default settings: runner concurrency = {Environment.ProcessorCount} cores, ImageSharp), started in {app.StartupMilliseconds:F0} ms to the first 200 on `/health`. "
            + "Latency: from the start of the `POST /api/upload` (multipart, `X-Api-Key`) to the arrival of `ImageStatusChanged STORED` at a .NET SignalR client "
            + "(`SubscribeToAll`). Every upload is distinct bytes (a JPEG COM segment after SOI; PNGs drawn with ImageSharp). "
            + $"Phases from the `JobStatusChanged` events: POST = start → 201; wait = 201 → PREVIEW PROCESSING; preview = PREVIEW PROCESSING → COMPLETED; "
            + "thumbnail = PREVIEW COMPLETED → THUMBNAIL COMPLETED; rest = → STORED. Milliseconds.");
        report.WriteLine();
        var tuning = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("DOTNET_GC", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_Tiered", StringComparison.Ordinal)
                || k.StartsWith("DOTNET_ReadyToRun", StringComparison.Ordinal) || k.StartsWith("DOTNET_EnableWriteXorExecute", StringComparison.Ordinal)
                || k.StartsWith("MALLOC_", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Select(k => $"`{k}={Environment.GetEnvironmentVariable(k)}`").ToList();
        report.WriteLine("Runtime settings passed to the app: " + (tuning.Count == 0 ? "none (the defaults: Server GC, as the Web SDK sets)." : string.Join(", ", tuning) + "."));
        report.WriteLine();
        var table = new MarkdownTable("case", "n", "median", "p95", "min", "max", "target", "met");
        AddRow(table, $"24 MP JPEG ({PhotoFile}), one at a time: upload → STORED", photoSamples.Select(s => s.Total).ToList(), null);
        if (vips is not null)
        {
            AddRow(table, "vipsthumbnail, same file on disk: preview 1600 + thumbnail 320 (two processes), interleaved", vipsSamples, null);
        }

        AddRow(table, "… of which the image work (decode, resize, encode of both jobs; the app's own metric)", photoWork, null);
        var overhead = photoSamples.Select(s => s.Total).Zip(photoWork, (t, w) => t - w).ToList();
        AddRow(table, "… the rest: upload → STORED minus the image work (transfer, intake, queue, fsyncs, events)", overhead, null);
        AddRow(table, "… of which the file's arrival (the app's first read to its last byte; hashing and writing overlap it)", photoReceive, null);
        var afterLastByte = overhead.Zip(photoReceive, (o, r) => o - r).ToList();
        AddRow(table, "… the rest from the last byte: upload → STORED minus the image work minus the arrival", afterLastByte, ("median ≤ 40 ms", s => Stats.Of(s).Median <= 40));
        AddRow(table, "tiny PNG (64×48), one at a time: upload → STORED", pngSamples.Select(s => s.Total).ToList(), ("median ≤ 100 ms", s => Stats.Of(s).Median <= 100));
        AddRow(table, $"{bigSize / 1024.0 / 1024.0:F0} MB JPEG (24 MP + COM padding): POST → 201", bigSamples.Select(s => s.Post).ToList(), null);
        AddRow(table, $"{BatchImages} × 24 MP, {BatchClients} clients: upload → STORED", batch.Select(s => s.Total).ToList(), null);
        report.WriteLine(table);

        var phases = new MarkdownTable("case", "POST", "wait", "preview", "thumbnail", "rest", "total");
        PhaseRow(phases, "24 MP one at a time", photoSamples);
        PhaseRow(phases, "tiny PNG one at a time", pngSamples);
        PhaseRow(phases, "50 MB JPEG one at a time", bigSamples);
        PhaseRow(phases, $"24 MP, {BatchClients} clients", batch);
        report.WriteLine("Phases, median (min–max) ms:");
        report.WriteLine();
        report.WriteLine(phases);

        var mbPerSecond = bigSamples.Select(s => bigSize / 1024.0 / 1024.0 / (s.Post / 1000)).ToList();
        var photoMedian = Stats.Of(photoSamples.Select(s => s.Total).ToList()).Median;
        var targets = new MarkdownTable("target", "result", "met");
        if (vips is not null)
        {
            var vipsMedian = Stats.Of(vipsSamples).Median;
            targets.Add("24 MP upload → STORED median ≤ 0.85× vipsthumbnail", $"**{photoMedian / vipsMedian:F2}×** ({photoMedian:F0} / {vipsMedian:F0} ms)", Met(photoMedian <= 0.85 * vipsMedian));
        }
        else
        {
            targets.Add("24 MP upload → STORED median ≤ 0.85× vipsthumbnail", $"skipped: vipsthumbnail not on PATH (`{VipsThumbnailEngine.InstallHint}`)", "–");
        }

        targets.Add("24 MP: last byte → STORED minus the image work, median ≤ 40 ms", $"{Stats.Of(afterLastByte).Median:F0} ms (with the file's arrival {Stats.Of(overhead).Median:F0} ms; image work {Stats.Of(photoWork).Median:F0} ms of {photoMedian:F0} ms)", Met(Stats.Of(afterLastByte).Median <= 40));
        var pngMedian = Stats.Of(pngSamples.Select(s => s.Total).ToList()).Median;
        targets.Add("tiny PNG upload → STORED median ≤ 100 ms", $"{pngMedian:F0} ms (p95 {Stats.Quantile(pngSamples.Select(s => s.Total).ToList(), 0.95):F0})", Met(pngMedian <= 100));
        targets.Add($"{BatchImages} × 24 MP, {BatchClients} clients: ≥ 300 images/min", $"{throughput:F0} images/min ({BatchImages} in {batchSeconds:F0} s), p95 latency {Stats.Quantile(batch.Select(s => s.Total).ToList(), 0.95):F0} ms", Met(throughput >= 300));
        targets.Add("peak RSS ≤ 600 MB (batch)", $"{peakForBatch:F0} MB ({(peakReset ? "VmHWM reset before the batch" : "VmHWM could not be reset: max of VmRSS sampled every 100 ms")}; whole run VmHWM {peak:F0} MB; RSS before the batch {beforeBatch:F0} MB)", Met(peakForBatch <= 600));
        targets.Add("idle RSS ≤ 150 MB", $"{idle[^1].Mb:F0} MB {idle[^1].Seconds} s after the batch ({string.Join(", ", idle.Select(x => $"{x.Seconds} s: {x.Mb:F0}"))}; {idleComposition}); {idleAtStart:F0} MB after start-up, before any upload ({idleAtStartComposition})", Met(idle[^1].Mb <= 150));
        targets.Add("50 MB upload (POST → 201)", $"{Stats.Of(mbPerSecond).Format(1)} MB/s", "–");
        report.WriteLine("Targets:");
        report.WriteLine();
        report.WriteLine(targets);
    }

    private string Tag() => $"ImagePipeline bench {Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture)} {Guid.NewGuid():N}";

    private static string Met(bool met) => met ? "yes" : "**no**";

    private static void AddRow(MarkdownTable table, string name, List<double> samples, (string Text, Func<List<double>, bool> Met)? target)
    {
        var stats = Stats.Of(samples);
        string F(double v) => v.ToString("F0", CultureInfo.InvariantCulture);
        table.Add(name, samples.Count.ToString(CultureInfo.InvariantCulture), F(stats.Median), F(Stats.Quantile(samples, 0.95)), F(stats.Min), F(stats.Max),
            target?.Text ?? "–", target is { } t ? Met(t.Met(samples)) : "–");
    }

    private static void PhaseRow(MarkdownTable table, string name, List<Sample> samples)
    {
        string F(Func<Sample, double> pick)
        {
            var values = samples.Select(pick).Where(v => !double.IsNaN(v)).ToList();
            return values.Count == 0 ? "–" : Stats.Of(values).Format();
        }

        table.Add(name, F(s => s.Post), F(s => s.Wait), F(s => s.Preview), F(s => s.Thumbnail), F(s => s.Rest), F(s => s.Total));
    }

    internal static async Task<Sample> OneAsync(HttpClient client, StatusWatcher watcher, byte[] body, string fileName, string contentType)
    {
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(body);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        content.Add(file, "file", fileName);
        var started = Stopwatch.GetTimestamp();
        using var response = await client.PostAsync("/api/upload", content);
        var answered = Stopwatch.GetTimestamp();
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"Upload of {fileName} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var imageId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imageId").GetGuid();
        var stored = await watcher.StoredAsync(imageId, StoredTimeout);
        double Ms(long? from, long? to) => from is { } f && to is { } t ? Stopwatch.GetElapsedTime(f, t).TotalMilliseconds : double.NaN;
        var previewStart = watcher.FirstAt(imageId, "PREVIEW:PROCESSING");
        var previewDone = watcher.FirstAt(imageId, "PREVIEW:COMPLETED");
        var thumbnailDone = watcher.FirstAt(imageId, "THUMBNAIL:COMPLETED");
        return new Sample(Ms(started, stored), Ms(started, answered), Ms(answered, previewStart), Ms(previewStart, previewDone), Ms(previewDone, thumbnailDone), Ms(thumbnailDone, stored));
    }

    internal sealed record Sample(double Total, double Post, double Wait, double Preview, double Thumbnail, double Rest);
}
