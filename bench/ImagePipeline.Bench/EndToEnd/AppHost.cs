using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ImagePipeline.Bench.EndToEnd;

/// <summary>
/// The Release build of ImagePipeline.Web running as its own process (<c>dotnet ImagePipeline.Web.dll</c>) on
/// 127.0.0.1:&lt;free port&gt; with its own data directory and the bootstrap API key.
/// </summary>
public sealed class AppHost : IAsyncDisposable
{
    /// <summary>The bootstrap admin key every API call sends as <c>X-Api-Key</c>.</summary>
    public const string ApiKey = "bench-bootstrap-key-0123456789abcdef";

    private readonly Process _process;
    private readonly StreamWriter _log;

    private AppHost(Process process, StreamWriter log, string logPath, Uri baseAddress, double startupMilliseconds)
    {
        LogPath = logPath;
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
        StartupMilliseconds = startupMilliseconds;
        Client = CreateClient(withKey: true);
    }

    public Uri BaseAddress { get; }

    /// <summary>The app's console output (appended across starts on one data directory).</summary>
    public string LogPath { get; }

    /// <summary>What the app has written to <see cref="LogPath"/> so far (shared read: the app keeps writing).</summary>
    public string ReadLog()
    {
        lock (_log)
        {
            _log.Flush();
        }

        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>From <c>Process.Start</c> to the first 200 on <c>/health</c>.</summary>
    public double StartupMilliseconds { get; }

    public int ProcessId => _process.Id;

    /// <summary>A client sending the bootstrap key.</summary>
    public HttpClient Client { get; }

    /// <summary>
    /// <c>BENCH_APP</c> (a folder holding a Release <c>ImagePipeline.Web.dll</c>), else <c>dotnet publish ImagePipeline.Web -c Release</c>
    /// into <paramref name="outputRoot"/>/app, once per bench run.
    /// </summary>
    public static async Task<string> LocateAsync(string outputRoot)
    {
        if (Environment.GetEnvironmentVariable("BENCH_APP") is { Length: > 0 } configured)
        {
            var dll = Path.Combine(configured, "ImagePipeline.Web.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"BENCH_APP has no ImagePipeline.Web.dll: {configured}");
        }

        var output = Path.Combine(outputRoot, "app");
        var published = Path.Combine(output, "ImagePipeline.Web.dll");
        if (File.Exists(published))
        {
            return published;
        }

        var project = Path.Combine(RepositoryRoot(), "ImagePipeline.Web");
        Console.Error.WriteLine($"  dotnet publish {project} -c Release -o {output} ...");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "publish", project, "-c", "Release", "-o", output, "-nologo", "-v", "q" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet publish did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}): {await stdout}{await stderr}");
        }

        return published;
    }

    /// <summary>The folder holding <c>ImagePipeline.sln</c>, above the working or the program directory.</summary>
    public static string RepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ImagePipeline.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException("ImagePipeline.sln not found above the working directory.");
    }

    /// <summary>The app in a published folder: <c>ImagePipeline.Web.dll</c> (a folder publish) or the single binary; null if neither.</summary>
    public static string? InFolder(string folder) =>
        new[] { "ImagePipeline.Web.dll", "ImagePipeline.Web" }.Select(name => Path.Combine(folder, name)).FirstOrDefault(File.Exists);

    /// <summary>
    /// Starts the app (<c>dotnet app.dll</c>, or the single-file executable itself) and waits for <c>/health</c> to answer 200.
    /// <paramref name="environment"/> adds settings (e.g. the scale-out ones); <paramref name="logName"/> names its log beside the
    /// data directory (default: the data directory's name), for several instances on one data directory.
    /// </summary>
    public static async Task<AppHost> StartAsync(string appDll, string dataDirectory, IReadOnlyDictionary<string, string>? environment = null, string? logName = null)
    {
        Directory.CreateDirectory(dataDirectory);
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var isDll = appDll.EndsWith(".dll", StringComparison.Ordinal);
        var start = new ProcessStartInfo(isDll ? "dotnet" : appDll)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(appDll)!,
        };
        if (isDll)
        {
            start.ArgumentList.Add(appDll);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        start.ArgumentList.Add($"--Pipeline:DataDirectory={dataDirectory}");
        start.Environment["Pipeline__Security__BootstrapApiKey"] = ApiKey;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var logPath = Path.GetFullPath(Path.Combine(dataDirectory, "..", (logName ?? Path.GetFileName(dataDirectory)) + "-app.log"));
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var started = Stopwatch.GetTimestamp();
        var process = Process.Start(start) ?? throw new InvalidOperationException("The app did not start.");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {process.ExitCode}; see {dataDirectory}-app.log.");
            }

            try
            {
                using var response = await probe.GetAsync("/health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // busy machine
            }

            if (DateTime.UtcNow > deadline)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The app did not answer /health within 3 minutes; see {dataDirectory}-app.log.");
            }

            await Task.Delay(20);
        }

        return new AppHost(process, log, logPath, baseAddress, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    public HttpClient CreateClient(bool withKey, HttpMessageHandler? handler = null)
    {
        var client = handler is null ? new HttpClient() : new HttpClient(handler);
        client.BaseAddress = BaseAddress;
        client.Timeout = TimeSpan.FromMinutes(10);
        if (withKey)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        }

        return client;
    }

    /// <summary>Peak resident set size of the app (VmHWM), MB.</summary>
    public double PeakResidentMegabytes() => ReadStatusKilobytes("VmHWM:") / 1024.0;

    /// <summary>Resident set size of the app (VmRSS), MB.</summary>
    public double ResidentMegabytes() => ReadStatusKilobytes("VmRSS:") / 1024.0;

    /// <summary>
    /// What the resident set is made of (/proc/pid/status), MB: anonymous (GC heap, native heap, stacks), file-backed (the loaded
    /// assemblies, ReadyToRun code and native libraries; pages shared with another process, e.g. the framework with the bench
    /// itself, count in both) and shared memory (the runtime's executable memory, <c>/memfd:doublemapper</c>).
    /// </summary>
    public string ResidentComposition() =>
        $"anon {ReadStatusKilobytes("RssAnon:") / 1024.0:F0}, file {ReadStatusKilobytes("RssFile:") / 1024.0:F0}, shmem {ReadStatusKilobytes("RssShmem:") / 1024.0:F0}";

    /// <summary>CPU time the app has used so far (user + system, all threads), ms.</summary>
    public double CpuMilliseconds()
    {
        // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks, after the parenthesised command name.
        var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks * 1000.0 / 100; // USER_HZ is 100 on Linux
    }

    /// <summary>Resets VmHWM to the current RSS (<c>echo 5 &gt; /proc/pid/clear_refs</c>); false if the kernel refuses.</summary>
    public bool ResetPeak()
    {
        try
        {
            File.WriteAllText($"/proc/{_process.Id}/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private long ReadStatusKilobytes(string key)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }
}
