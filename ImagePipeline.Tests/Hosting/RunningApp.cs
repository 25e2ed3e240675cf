using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace ImagePipeline.Tests.Hosting;

/// <summary>The published binary running as a separate process on 127.0.0.1:&lt;free port&gt;, with an HTTP client for it.</summary>
public sealed class RunningApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RunningApp(Process process, Uri baseAddress, string apiKey)
    {
        _process = process;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        ApiKey = apiKey;
    }

    /// <summary>The bootstrap admin key the app was started with.</summary>
    public string ApiKey { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Time from process start to the first 200 from <c>/health</c>.</summary>
    public TimeSpan StartupTime { get; private set; }

    /// <summary>Starts the binary in <paramref name="folder"/> (its working directory, so data lands in <c>folder/data</c>) and waits until it answers.</summary>
    public static async Task<RunningApp> StartAsync(string folder, IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        var port = FreePort();
        var apiKey = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var binary = Directory.GetFiles(folder).Single(f => Path.GetFileName(f) == "ImagePipeline.Web");
        var info = new ProcessStartInfo(binary)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.Environment["Pipeline__Security__BootstrapApiKey"] = apiKey;
        info.Environment["Pipeline__Runner__PollInterval"] = "00:00:01";
        info.Environment["Pipeline__Runner__RetryBaseDelay"] = "00:00:00.200";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var started = Stopwatch.StartNew();
        var process = new Process { StartInfo = info };
        var app = new RunningApp(process, new Uri($"http://127.0.0.1:{port}/"), apiKey);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await app.WaitUntilReadyAsync(started, cancellationToken);
        return app;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as systemd sends it; returns how long the process took to exit.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        if (Kill(_process.Id, 15) != 0)
        {
            throw new InvalidOperationException("kill(SIGTERM) failed.");
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw new TimeoutException($"The app did not stop within {timeout} of SIGTERM.\n{Output}");
        }

        return clock.Elapsed;
    }

    /// <summary>Resident memory now, from /proc.</summary>
    public long ResidentBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    /// <summary>Peak resident memory of the process so far (<c>VmHWM</c> in /proc/&lt;pid&gt;/status).</summary>
    public long PeakResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return kilobytes * 1024;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await KillAsync();
        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(Stopwatch started, CancellationToken cancellationToken)
    {
        var deadline = TimeSpan.FromSeconds(60);
        while (started.Elapsed < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {_process.ExitCode} before answering:\n{Output}");
            }

            try
            {
                using var response = await Client.GetAsync("health", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    StartupTime = started.Elapsed;
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(25, cancellationToken);
        }

        await KillAsync();
        throw new TimeoutException($"The app did not answer /health within {deadline}:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
