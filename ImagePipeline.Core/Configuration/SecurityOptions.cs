using System.ComponentModel.DataAnnotations;

namespace ImagePipeline.Core.Configuration;

/// <summary><c>Pipeline:Security</c>: the bootstrap key, lockout and rate limits.</summary>
public sealed class SecurityOptions
{
    /// <summary>When set, an admin API key for automation (<c>Pipeline__Security__BootstrapApiKey</c>). Off by default.</summary>
    public string? BootstrapApiKey { get; set; }

    /// <summary>Failed sign-ins before the account is locked out.</summary>
    [Range(1, 100)]
    public int MaxFailedSignIns { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-in attempts per client address per minute.</summary>
    [Range(1, 10_000)]
    public int SignInPermitsPerMinute { get; set; } = 20;

    /// <summary>Uploads one user may have in flight at once (concurrency, not a per-minute count: a 1,000-photo import never hits it).</summary>
    [Range(1, 1000)]
    public int UploadConcurrencyPerUser { get; set; } = 8;

    /// <summary>
    /// Reverse proxies whose <c>X-Forwarded-For</c>/<c>-Proto</c> are believed, as addresses (<c>10.0.0.5</c>) or networks
    /// (<c>10.0.0.0/8</c>), besides loopback, which is always trusted (nginx on the same host).
    /// </summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Uploads waiting for a free slot before 429.</summary>
    [Range(0, 10_000)]
    public int UploadQueuePerUser { get; set; } = 64;
}
