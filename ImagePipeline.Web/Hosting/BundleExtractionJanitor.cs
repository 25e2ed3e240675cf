namespace ImagePipeline.Web.Hosting;

/// <summary>
/// The single binary unpacks itself once per version (<c>IncludeAllContentForSelfExtract</c>) into
/// <c>~/.net/ImagePipeline.Web/&lt;bundle id&gt;/</c> (or under <c>DOTNET_BUNDLE_EXTRACT_BASE_DIR</c>), so later starts map plain
/// files instead of inflating every assembly from the compressed bundle (docs/benchmarks.md, "sixth stop"). .NET never
/// removes those folders, and each version leaves ~150–200 MB. This service tidies up after the versions before: every run of
/// the binary holds a shared lock on <see cref="LockFileName"/> in its own folder (<see cref="HoldCurrentFolder"/>), and a
/// minute after the app's start this service deletes the sibling folders of earlier versions that no running instance holds
/// and that were not used within <see cref="MinimumAge"/>.
/// Started some other way (<c>dotnet</c>, a folder publish, a single file that unpacks only its native libraries) it does nothing.
/// </summary>
public sealed partial class BundleExtractionJanitor(TimeProvider time, IHostApplicationLifetime lifetime, ILogger<BundleExtractionJanitor> logger)
    : IHostedService
{
    /// <summary>Held open (shared) by every instance running from a folder; the sweep takes it exclusively before deleting.</summary>
    public const string LockFileName = ".imagepipeline-running";

    /// <summary>A folder used (started from, or unpacked) this recently is left alone: another version may be starting from it.</summary>
    public static readonly TimeSpan MinimumAge = TimeSpan.FromMinutes(10);

    /// <summary>How long after start the sweep runs: off the start-up path and the first uploads.</summary>
    public static readonly TimeSpan SweepDelay = TimeSpan.FromMinutes(1);

    /// <summary>
    /// This process's own extraction folder: the app's assemblies were loaded from a folder other than the executable's
    /// (<see cref="PipelineHost.IsBundled"/>). Null when not running as an unpacked single binary.
    /// </summary>
    public static string? CurrentExtractionDirectory()
    {
        if (!PipelineHost.IsSingleFile || Path.GetDirectoryName(Environment.ProcessPath) is not { Length: > 0 } executableDirectory)
        {
            return null;
        }

        var baseDirectory = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        return string.Equals(baseDirectory, Path.TrimEndingDirectorySeparator(executableDirectory), StringComparison.Ordinal)
            ? null
            : baseDirectory;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (CurrentExtractionDirectory() is not { } current)
        {
            return Task.CompletedTask;
        }

        lifetime.ApplicationStarted.Register(() => _ = Task.Run(() => SweepLaterAsync(current), CancellationToken.None));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Held by every run of the binary (the app and the operator commands alike, <see cref="PipelineHost"/>) for as long as it
    /// runs, so that no other version's sweep deletes the folder it loads from; null when not running from an unpacked folder.
    /// </summary>
    public static FileStream? HoldCurrentFolder(TimeProvider time) =>
        CurrentExtractionDirectory() is { } current ? TryHold(current, time) : null;

    /// <summary>Opens (creating) the folder's lock file shared and marks it used now; null if the folder is read-only.</summary>
    internal static FileStream? TryHold(string folder, TimeProvider time)
    {
        if (TryOpenLock(folder, FileShare.ReadWrite) is not { } stream)
        {
            return null;
        }

        try
        {
            File.SetLastWriteTimeUtc(stream.SafeFileHandle, time.GetUtcNow().UtcDateTime);
            return stream;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stream.Dispose();
            return null;
        }
    }

    /// <summary>
    /// The folder's lock file, opened (created if missing) with <paramref name="share"/>: shared by every running instance,
    /// exclusive for a sweep. Null when it cannot be had: another process holds it the other way, or the folder is read-only.
    /// </summary>
    private static FileStream? TryOpenLock(string folder, FileShare share)
    {
        try
        {
            return new FileStream(Path.Combine(folder, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, share);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private async Task SweepLaterAsync(string current)
    {
        try
        {
            await Task.Delay(SweepDelay, time, lifetime.ApplicationStopping);
            var removed = Sweep(current, time.GetUtcNow(), lifetime.ApplicationStopping);
            if (removed.Count > 0)
            {
                LogRemoved(logger, removed.Count, removed.Sum(r => r.Bytes) / (1024 * 1024), Path.GetDirectoryName(current)!);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            LogFailed(logger, e);
        }
    }

    /// <summary>
    /// Deletes the sibling folders of <paramref name="current"/> that hold this app (its main assembly), are not in use by a
    /// running instance (their lock file can be taken exclusively) and were last used at least <see cref="MinimumAge"/> before
    /// <paramref name="now"/>. Anything else under the parent folder is left as it is.
    /// </summary>
    internal static IReadOnlyList<(string Folder, long Bytes)> Sweep(string current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var own = Path.TrimEndingDirectorySeparator(current);
        var parent = Path.GetDirectoryName(own);
        var assembly = typeof(BundleExtractionJanitor).Assembly.GetName().Name + ".dll";
        var removed = new List<(string, long)>();
        if (parent is null)
        {
            return removed;
        }

        foreach (var folder in Directory.EnumerateDirectories(parent))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (string.Equals(folder, own, StringComparison.Ordinal)
                || !File.Exists(Path.Combine(folder, assembly))
                || now - LastUsed(folder) < MinimumAge)
            {
                continue;
            }

            using var exclusive = TryOpenLock(folder, FileShare.None);
            if (exclusive is null)
            {
                continue; // a running instance holds it
            }

            var bytes = new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
            Directory.Delete(folder, recursive: true);
            removed.Add((folder, bytes));
        }

        return removed;
    }

    /// <summary>The later of the folder's own time (when it was unpacked) and its lock file's (the last start from it).</summary>
    private static DateTimeOffset LastUsed(string folder)
    {
        var unpacked = Directory.GetLastWriteTimeUtc(folder);
        var lockFile = Path.Combine(folder, LockFileName);
        var started = File.Exists(lockFile) ? File.GetLastWriteTimeUtc(lockFile) : DateTime.MinValue;
        return new DateTimeOffset(unpacked > started ? unpacked : started, TimeSpan.Zero);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} unpacked earlier version(s) of the app ({Megabytes} MB) from {Folder}")]
    private static partial void LogRemoved(ILogger logger, int count, long megabytes, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing the unpacked earlier versions of the app failed; they stay until the next start")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
