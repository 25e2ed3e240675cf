using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ImagePipeline.Bench.EndToEnd;
using ImagePipeline.Bench.Measurement;
using Microsoft.Playwright;

namespace ImagePipeline.Bench.Ui;

/// <summary>
/// The gallery over 10,000 photos in Debian's headless Chromium (Playwright): (a) what the first screen costs — data requests,
/// the circuit's library queries (from the app's EF command log) and the time until the first screen of thumbnails is shown;
/// (b) a jump through the scrubber to a month a year back, timed with requestAnimationFrame in the page; (c) a tile's select
/// check, click to selected state painted.
/// </summary>
public sealed partial class GalleryBrowserBenchmark(int runs, string userName, string password)
{
    /// <summary>Environment for the app: log EF's commands, so the bench can count the library queries a page load causes.</summary>
    public static readonly IReadOnlyDictionary<string, string> AppEnvironment = new Dictionary<string, string>
    {
        ["Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command"] = "Information",
    };

    // True once the tiles in the viewport have their thumbnails decoded (or there are none in view yet: false).
    private const string FirstScreenShown = """
        () => {
            const imgs = [...document.querySelectorAll('[data-testid="gallery-tile"] img')].filter(i => {
                const r = i.getBoundingClientRect();
                return r.bottom > 0 && r.top < innerHeight && r.width > 0;
            });
            return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0);
        }
        """;

    // Counts the times the page had gallery tiles and then had none (a circuit's first render replacing prerendered tiles).
    private const string TileLossCounter = """
        (() => {
            window.__tilesLost = 0;
            let had = false;
            new MutationObserver(() => {
                const n = document.querySelectorAll('[data-testid="gallery-tile"]').length;
                if (n > 0) had = true;
                else if (had) { window.__tilesLost++; had = false; }
            }).observe(document, { childList: true, subtree: true });
        })();
        """;

    private const double Frame = 1000.0 / 60;
    private const double Jitter = 1.0;

    private const string FrameRecorder = """
        () => {
            window.__frames = [];
            window.__clickAt = 0;
            document.addEventListener('click', () => { window.__clickAt = performance.now(); }, { capture: true });
            const tick = t => { window.__frames.push(t); if (!window.__stopFrames) requestAnimationFrame(tick); };
            window.__stopFrames = false;
            requestAnimationFrame(tick);
        }
        """;

    public async Task RunAsync(AppHost app, TextWriter report)
    {
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var load = MachineInfo.LoadAverage();
        var first = new List<FirstScreen>();
        var jumps = new List<Jump>();
        var selects = new List<double>();
        for (var i = -1; i < Math.Max(5, runs); i++)
        {
            await using var context = await browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
            context.SetDefaultTimeout(120_000);
            await context.AddInitScriptAsync(TileLossCounter);
            var page = await context.NewPageAsync();
            await SignInAsync(page);
            var screen = await FirstScreenAsync(app, page);
            var jump = await JumpAsync(page);
            var select = await SelectAsync(page);
            if (i >= 0)
            {
                first.Add(screen);
                jumps.Add(jump);
                selects.Add(select);
            }

            Console.Error.WriteLine($"    run {i}: first screen {screen.Milliseconds:F0} ms ({screen.DataRequests} data requests, {screen.Queries} library + {screen.FirstScreenQueries} first-screen queries, tiles vanished {screen.TilesLost}×), jump to {jump.Month}: heading {jump.HeadingMs:F0} ms, thumbnails {jump.ShownMs:F0} ms, select {select:F0} ms");
        }

        report.WriteLine($"### Gallery in Chromium over {UiBenchmark.Images:N0} photos (Playwright, headless, 1280×900)");
        report.WriteLine();
        report.WriteLine($"Debian's Chromium, headless, a fresh context per run, signed in through the form; {first.Count} runs after one warm-up. "
            + $"Capture dates spread over {UiBenchmark.Years} years (about {UiBenchmark.Images / (UiBenchmark.Years * 12)} photos a month), every thumbnail a real small JPEG. "
            + $"Load average (1, 5, 15 min) when the runs started: {load}; after: {MachineInfo.LoadAverage()}.");
        report.WriteLine();
        report.WriteLine("**(a) First screen.** From navigation start (`performance.now()` in the page) until every tile in the viewport has its thumbnail "
            + "decoded. *Data requests*: HTTP requests for image data other than the thumbnails themselves (`/api/images*` JSON, `/api/albums*`); "
            + "*library queries*: the whole-library `Images` list queries the app ran for the page load (counted in its EF command log); "
            + "*first-screen queries*: the same list with a LIMIT (the prerender's first screen); *thumbnails*: thumbnail requests until the first screen was shown; *vanished*: the page had tiles and then none "
            + "(a MutationObserver from the first byte; a circuit's first render replacing prerendered tiles while it loads).");
        report.WriteLine();
        var table = new MarkdownTable("case", "median", "p95", "min", "max");
        Row(table, "time to first screen of thumbnails, ms", first.Select(f => f.Milliseconds).ToList());
        Row(table, "time to the first thumbnail request, ms", first.Select(f => f.FirstTileMs).ToList());
        Row(table, "data requests until shown", first.Select(f => (double)f.DataRequests).ToList(), "F0");
        Row(table, "library queries (prerender + circuit)", first.Select(f => (double)f.Queries).ToList(), "F0");
        Row(table, "first-screen queries (bounded, LIMIT)", first.Select(f => (double)f.FirstScreenQueries).ToList(), "F0");
        Row(table, "thumbnail requests until shown", first.Select(f => (double)f.Thumbnails).ToList(), "F0");
        Row(table, "times the shown tiles vanished again (until interactive + 0.5 s)", first.Select(f => (double)f.TilesLost).ToList(), "F0");
        report.WriteLine(table);
        report.WriteLine("**(b) Scrubber jump to a month a year back.** Click on the month's scrubber button, then requestAnimationFrame timestamps "
            + "until the month's thumbnails in view are decoded. Frame time = interval between consecutive frames; *over 16.7 ms*: frames "
            + "that missed 60 Hz (longer than 16.7 ms + 1 ms of timer jitter), per jump. Milliseconds.");
        report.WriteLine();
        table = new MarkdownTable("case", "median", "p95", "min", "max");
        Row(table, "click → the month's heading visible", jumps.Select(j => j.HeadingMs).ToList());
        Row(table, "click → the month's thumbnails shown", jumps.Select(j => j.ShownMs).ToList());
        Row(table, "median frame time during the jump", jumps.Select(j => j.MedianFrame).ToList());
        Row(table, "p95 frame time during the jump", jumps.Select(j => j.P95Frame).ToList());
        Row(table, "longest frame during the jump", jumps.Select(j => j.MaxFrame).ToList());
        Row(table, "frames over 16.7 ms per jump (1 ms jitter allowed)", jumps.Select(j => (double)j.Dropped).ToList(), "F0");
        report.WriteLine(table);
        report.WriteLine("**(c) Select.** Click on a tile's check until its selected state (`aria-pressed=true`) is in the DOM and the next frame has "
            + "started (a MutationObserver, then requestAnimationFrame). Milliseconds.");
        report.WriteLine();
        table = new MarkdownTable("case", "median", "p95", "min", "max");
        Row(table, "click on a tile's check → selected state shown", selects);
        report.WriteLine(table);
    }

    private async Task SignInAsync(IPage page)
    {
        // Land on the albums page, not the gallery: a gallery load here would query the library during the next measurement.
        await page.GotoAsync("/account/login?returnUrl=%2Falbums");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        await page.GotoAsync("about:blank");
        await Task.Delay(500);
    }

    private static async Task<FirstScreen> FirstScreenAsync(AppHost app, IPage page)
    {
        var dataRequests = 0;
        var thumbnails = 0;
        var shown = false;
        void OnRequest(object? sender, IRequest request)
        {
            var path = new Uri(request.Url).AbsolutePath;
            if (shown)
            {
                return;
            }

            if (path.StartsWith("/api/images/", StringComparison.Ordinal) && path.EndsWith("/thumbnail", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref thumbnails);
            }
            else if (path.StartsWith("/api/images", StringComparison.Ordinal) || path.StartsWith("/api/albums", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref dataRequests);
            }
        }

        var logBefore = app.ReadLog().Length;
        page.Request += OnRequest;
        await page.GotoAsync("/", new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForFunctionAsync(FirstScreenShown, null, new() { PollingInterval = null });
        var ms = await page.EvaluateAsync<double>("() => performance.now()");
        shown = true;
        page.Request -= OnRequest;
        var firstTile = await page.EvaluateAsync<double>("() => performance.getEntriesByType('resource').filter(e => e.name.includes('/thumbnail')).map(e => e.startTime).reduce((a, b) => Math.min(a, b), Infinity)");

        // The circuit must be interactive before the next steps; the log needs a moment to reach the file.
        await page.Locator("[data-interactive=true]").WaitForAsync();
        await Task.Delay(500);
        var log = app.ReadLog()[logBefore..];
        var matches = LibraryQuery().Matches(log);
        var queries = matches.Count(m => !m.Groups["limit"].Success);
        var firstScreenQueries = matches.Count(m => m.Groups["limit"].Success);
        await page.WaitForFunctionAsync(FirstScreenShown, null, new() { PollingInterval = null }); // back, if it went
        var lost = await page.EvaluateAsync<int>("() => window.__tilesLost");
        return new FirstScreen(ms, firstTile, dataRequests, queries, firstScreenQueries, thumbnails, lost);
    }

    private static async Task<Jump> JumpAsync(IPage page)
    {
        var months = await page.Locator("[data-testid=scrubber-month]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.month)");
        var newest = DateOnly.ParseExact(months[0] + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var target = newest.AddMonths(-12).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        if (!months.Contains(target))
        {
            target = months[Math.Min(12, months.Length - 1)];
        }

        var button = page.Locator($"[data-testid=scrubber-month][data-month='{target}']");
        var label = await button.GetAttributeAsync("title") ?? throw new InvalidOperationException("The month button has no title (the heading's text).");
        await page.EvaluateAsync(FrameRecorder);
        await page.WaitForTimeoutAsync(300); // a few idle frames first
        await button.ClickAsync();

        var headingVisible = """
            label => [...document.querySelectorAll('[data-testid="timeline-month"]')].some(h => {
                const r = h.getBoundingClientRect();
                return h.textContent.trim() === label && r.bottom > 0 && r.top < innerHeight;
            })
            """;
        await page.WaitForFunctionAsync(headingVisible, label, new() { PollingInterval = null });
        var headingAt = await page.EvaluateAsync<double>("() => performance.now()");
        await page.WaitForFunctionAsync(FirstScreenShown, null, new() { PollingInterval = null });
        var shownAt = await page.EvaluateAsync<double>("() => performance.now()");
        await page.WaitForTimeoutAsync(100);
        var json = await page.EvaluateAsync<JsonElement>("() => { window.__stopFrames = true; return { click: window.__clickAt, frames: window.__frames }; }");
        var clickAt = json.GetProperty("click").GetDouble();
        var frames = json.GetProperty("frames").EnumerateArray().Select(f => f.GetDouble()).Where(t => t >= clickAt && t <= shownAt + 17).ToList();
        var intervals = frames.Zip(frames.Skip(1), (a, b) => b - a).Order().ToList();
        if (intervals.Count == 0)
        {
            intervals.Add(shownAt - clickAt);
        }

        return new Jump(target, headingAt - clickAt, shownAt - clickAt, Stats.Of(intervals).Median, Percentile(intervals, 0.95), intervals[^1], intervals.Count(i => i > Frame + Jitter));
    }

    private static async Task<double> SelectAsync(IPage page)
    {
        var tile = page.Locator("[data-testid=gallery-tile]").First;
        var id = await tile.GetAttributeAsync("data-image-id");
        var check = page.Locator(".gallery-tile-frame").Filter(new() { Has = page.Locator($"[data-image-id='{id}']") }).Locator("[data-testid=tile-check]");
        await tile.HoverAsync();
        await check.EvaluateAsync("""
            el => {
                window.__selectedAt = 0;
                window.__clickAt = 0;
                el.addEventListener('click', () => { window.__clickAt = performance.now(); }, { capture: true, once: true });
                const observer = new MutationObserver(() => {
                    if (el.isConnected && el.getAttribute('aria-pressed') === 'true') {
                        observer.disconnect();
                        requestAnimationFrame(t => { window.__selectedAt = t; });
                    }
                });
                observer.observe(el.parentElement, { attributes: true, subtree: true, childList: true });
            }
            """);
        await check.ClickAsync();
        await page.WaitForFunctionAsync("() => window.__selectedAt > 0", null, new() { PollingInterval = null });
        var ms = await page.EvaluateAsync<double>("() => window.__selectedAt - window.__clickAt");
        await page.Keyboard.PressAsync("Escape");
        return ms;
    }

    private static void Row(MarkdownTable table, string name, List<double> samples, string format = "F1")
    {
        var sorted = samples.Order().ToList();
        string F(double v) => v.ToString(format, CultureInfo.InvariantCulture);
        table.Add(name, F(Stats.Of(sorted).Median), F(Percentile(sorted, 0.95)), F(sorted[0]), F(sorted[^1]));
    }

    private static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    // EF's "Executed DbCommand" entry for the timeline's list: every non-trashed image, newest taken first.
    [GeneratedRegex("""FROM "Images" AS "i"\s+WHERE "i"\."TrashedAt" IS NULL\s+ORDER BY[^\r\n]*(?:\r?\n\s*(?<limit>LIMIT))?""")]
    private static partial Regex LibraryQuery();

    private sealed record FirstScreen(double Milliseconds, double FirstTileMs, int DataRequests, int Queries, int FirstScreenQueries, int Thumbnails, int TilesLost);

    private sealed record Jump(string Month, double HeadingMs, double ShownMs, double MedianFrame, double P95Frame, double MaxFrame, int Dropped);
}
