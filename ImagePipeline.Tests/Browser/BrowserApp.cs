using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ImagePipeline.Tests.Support;

namespace ImagePipeline.Tests.Browser;

/// <summary>
/// The real app, built beside the tests, run as its own process on Kestrel at 127.0.0.1 with a free port and a temp
/// data directory. Steered through its admin API with the bootstrap key.
/// </summary>
public sealed class BrowserApp : IAsyncDisposable
{
    public const string BootstrapKey = PipelineAppFactory.BootstrapKey;

    private readonly Process _process;
    private readonly List<string> _output = [];

    private BrowserApp(Process process, int port, string dataDirectory)
    {
        _process = process;
        Port = port;
        DataDirectory = dataDirectory;
        Api = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Add("X-Api-Key", BootstrapKey);
    }

    public int Port { get; }

    public string DataDirectory { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>An admin client of the app's API (bootstrap key).</summary>
    public HttpClient Api { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static async Task<BrowserApp> StartAsync(CancellationToken cancellationToken)
    {
        var port = FreePort();
        var dataDirectory = TestPaths.NewTempDirectory("ip-browser");
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
        var webBin = Path.Combine(TestPaths.RepositoryRoot, "ImagePipeline.Web", "bin", configuration, "net10.0");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = webBin,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(webBin, "ImagePipeline.Web.dll"), "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(arg);
        }

        // Development: static web assets (MudBlazor's files) are served from the build output, as with `dotnet run`.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Pipeline__DataDirectory"] = dataDirectory;
        start.Environment["Pipeline__Runner__PollInterval"] = "00:00:01";
        start.Environment["Pipeline__Runner__RetryBaseDelay"] = "00:00:00.100";
        start.Environment["Pipeline__Security__BootstrapApiKey"] = BootstrapKey;
        foreach (var (key, value) in TestDatabase.Settings(dataDirectory))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value; // PostgreSQL when the suite runs on it
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the app.");
        var app = new BrowserApp(process, port, dataDirectory);
        process.OutputDataReceived += (_, e) => app.Record(e.Data);
        process.ErrorDataReceived += (_, e) => app.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await app.WaitUntilHealthyAsync(cancellationToken);
        return app;
    }

    public Task SetRunnerPausedAsync(bool paused) =>
        Api.PostAsync(paused ? "/api/admin/runner/pause" : "/api/admin/runner/resume", null).ContinueWith(t => t.Result.EnsureSuccessStatusCode(), TaskScheduler.Default);

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited ({_process.ExitCode}):\n{Output}");
            }

            try
            {
                using var response = await probe.GetAsync($"{BaseUrl}/health", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Still starting.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The app did not become healthy:\n{Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            TestDatabase.DeleteDataDirectory(DataDirectory);
        }
        catch (IOException)
        {
            // Best effort: it is under /tmp.
        }
    }
}
