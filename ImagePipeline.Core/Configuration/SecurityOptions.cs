using System.ComponentModel.DataAnnotations;

namespace ImagePipeline.Core.Configuration;

/// <summary><c>Pipeline:Security</c>: the bootstrap key, lockout and rate limits.</summary>
public sealed class SecurityOptions
{
    /// <summary>When set, an admin API key for automation (<c>Pipeline__Security__BootstrapApiKey</c>). Off by default.</summary>
    public string? BootstrapApiKey { get; set; }

    /// <summary>
    /// Failed sign-ins for one (user name, client address) pair before that pair, and only that pair, is refused for
    /// <see cref="LockoutDuration"/> (doubling with each repeat). The user signs in from anywhere else as usual.
    /// </summary>
    [Range(1, 100)]
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a pair (or address) is refused after its failures; each repeat doubles it, up to 64 times.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failed sign-ins from one client address, over all user names, before the address is refused (password spraying).</summary>
    [Range(1, 10_000)]
    public int MaxFailedSignInsPerAddress { get; set; } = 30;

    /// <summary>
    /// Backstop against guessing from many addresses: consecutive failures (any address, reset by a successful sign-in)
    /// after which Identity locks the account itself for <see cref="LockoutDuration"/>. 0 turns it off.
    /// </summary>
    [Range(0, 100_000)]
    public int AccountLockoutThreshold { get; set; } = 100;

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
