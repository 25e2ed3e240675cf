using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Configuration;

/// <summary>The <c>Pipeline</c> configuration section (environment <c>Pipeline__X__Y</c>), validated at start-up.</summary>
public sealed class PipelineOptions
{
    public const string SectionName = "Pipeline";

    /// <summary>Where the database, originals and derived assets live. Relative paths are taken from the working directory.</summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Connection string override; empty means <c>ConnectionStrings:Pipeline</c>, else (SQLite) the file <c>pipeline.db</c> in the data directory.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>All (default), Web (no runner) or Worker (runner and /health only).</summary>
    public PipelineRole Role { get; set; } = PipelineRole.All;

    [ValidateObjectMembers]
    public DatabaseOptions Database { get; set; } = new();

    [ValidateObjectMembers]
    public UploadOptions Upload { get; set; } = new();

    [ValidateObjectMembers]
    public RunnerOptions Runner { get; set; } = new();

    [ValidateObjectMembers]
    public AssetOptions Assets { get; set; } = new();

    [ValidateObjectMembers]
    public SecurityOptions Security { get; set; } = new();

    /// <summary>Test-only hooks; empty in production.</summary>
    public TestingOptions Testing { get; set; } = new();

    [ValidateObjectMembers]
    public TrashOptions Trash { get; set; } = new();

    /// <summary>The data directory as an absolute path without a trailing separator (<c>--data-dir /srv/data/</c> is <c>/srv/data</c>).</summary>
    public string DataDirectoryFullPath => NormaliseDirectory(DataDirectory);

    /// <summary>Absolute, without a trailing separator (except for a root such as <c>/</c>).</summary>
    public static string NormaliseDirectory(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
}

public sealed class UploadOptions
{
    /// <summary>Largest accepted upload in bytes (default 100 MB).</summary>
    [Range(1, long.MaxValue)]
    public long MaxBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Largest accepted pixel count, read from the header before any decode (default 100 megapixels).</summary>
    [Range(1, long.MaxValue)]
    public long MaxPixels { get; set; } = 100_000_000;

    /// <summary>Free space the data directory must keep after an upload (default 16 MB), so the database can always commit; 0 turns the check off.</summary>
    [Range(0, long.MaxValue)]
    public long MinFreeBytes { get; set; } = 16L * 1024 * 1024;
}

public sealed class RunnerOptions
{
    /// <summary>False runs the app without processing (uploads stay INGESTED).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Once the queue has been drained for <see cref="IdleTrimDelay"/>, hand the batch's memory back to the OS
    /// (<see cref="Processing.IdleMemoryTrimmer"/>); default true. Off only for the start-up rehearsal, whose compiled code and
    /// buffers are meant to stay for the first photos.</summary>
    public bool TrimMemoryWhenDrained { get; set; } = true;

    /// <summary>How long the queue must stay drained before its memory is handed back (default 10 s): photos uploaded one
    /// after another keep the decode buffers and code pages they share instead of paying for them again each time.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan IdleTrimDelay { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Jobs processed in parallel by one instance; 0 means the processor count.</summary>
    [Range(0, 64)]
    public int Concurrency { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>First retry delay; doubles on each attempt, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often an owner (not an admin) may retry one image's failed jobs.</summary>
    [Range(0, 100)]
    public int OwnerRetries { get; set; } = 3;

    /// <summary>How often asset files that belong to no image are swept (besides at start-up).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan OrphanSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Decoded bytes of the images being decoded at once (default 512 MB: 2–4 photos of 24 megapixels); a decode waits
    /// until it fits, and an image larger than the whole budget runs alone. With the defaults the process stays under 1 GiB.
    /// </summary>
    [Range(16L * 1024 * 1024, long.MaxValue)]
    public long MemoryBudget { get; set; } = 512L * 1024 * 1024;

    public int EffectiveConcurrency => Concurrency > 0 ? Concurrency : Environment.ProcessorCount;
}

public sealed class AssetOptions
{
    [Range(16, 8192)]
    public int ThumbnailSize { get; set; } = 320;

    [Range(16, 8192)]
    public int PreviewSize { get; set; } = 1600;

    /// <summary>JPEG or WEBP.</summary>
    [RegularExpression("^(?i)(jpeg|webp)$", ErrorMessage = "Pipeline:Assets:Format must be JPEG or WEBP.")]
    public string Format { get; set; } = "JPEG";

    [Range(1, 100)]
    public int Quality { get; set; } = 80;

    /// <summary>
    /// Decode a JPEG at least three times the asset's size at 1/2, 1/4 or 1/8 scale through libvips (where it can be loaded);
    /// off: ImageSharp decodes every image at full size.
    /// </summary>
    public bool ShrinkOnLoad { get; set; } = true;
}

/// <summary>Hooks for the out-of-process tests. Never set them in production.</summary>
public sealed class TestingOptions
{
    /// <summary>The PREVIEW job of an image whose file name contains this marker hangs (until the process is killed),
    /// like a handler that crashes the process.</summary>
    public string? CrashOnImage { get; set; }
}

public sealed class TrashOptions
{
    /// <summary>Days a photo stays restorable in the trash before the purge job deletes it for good (default 30).</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 30;

    /// <summary>How often the purge job looks for photos past the retention (default 1 hour).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);
}

[OptionsValidator]
public sealed partial class PipelineOptionsValidator : IValidateOptions<PipelineOptions>;

/// <summary>Rules that span several settings.</summary>
public sealed class PipelineOptionsCrossValidator : IValidateOptions<PipelineOptions>
{
    public ValidateOptionsResult Validate(string? name, PipelineOptions options)
    {
        if (options.Assets.PreviewSize < options.Assets.ThumbnailSize)
        {
            return ValidateOptionsResult.Fail("Pipeline:Assets:PreviewSize must be at least Pipeline:Assets:ThumbnailSize (the thumbnail is made from the preview).");
        }

        if (options.Security.BootstrapApiKey is { Length: > 0 and < 24 })
        {
            return ValidateOptionsResult.Fail("Pipeline:Security:BootstrapApiKey must be at least 24 characters (or empty to turn it off).");
        }

        if (options.Database.Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail("Pipeline:Database:Provider=Postgres needs a connection string in ConnectionStrings:Pipeline (environment ConnectionStrings__Pipeline).");
        }

        foreach (var proxy in options.Security.KnownProxies)
        {
            if (!System.Net.IPNetwork.TryParse(proxy, out _) && !System.Net.IPAddress.TryParse(proxy, out _))
            {
                return ValidateOptionsResult.Fail($"Pipeline:Security:KnownProxies: '{proxy}' is neither an IP address nor a network (10.0.0.0/8).");
            }
        }

        if (options.Runner.MemoryBudget < 16L * 1024 * 1024)
        {
            return ValidateOptionsResult.Fail("Pipeline:Runner:MemoryBudget must be at least 16 MB.");
        }

        return ValidateOptionsResult.Success;
    }
}
