using System.Net;
using System.Net.Sockets;
using ImagePipeline.Core.Configuration;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Web.Accounts;

/// <summary>
/// Failed-sign-in throttling keyed by (user name, client address), plus a budget per client address over all user names.
/// A stranger who knows a user name can only lock out their own (name, address) pair: the user signs in from anywhere
/// else as usual. The name is the one submitted (normalized), whether or not such a user exists, so the throttle answers
/// unknown and existing names alike. IPv6 addresses count by their /64 network (one host usually holds a whole /64).
/// Each repeated lockout of the same pair or address doubles, up to 64 × <see cref="SecurityOptions.LockoutDuration"/>;
/// an entry is forgotten after that long without a failure.
/// </summary>
/// <remarks>
/// In memory and per instance (see README "Scaling out"): behind several Web instances without sticky sessions the
/// limits multiply by the instance count. Bounded to <see cref="Capacity"/> entries; when full, expired entries go
/// first, then the least recently failed of those that refuse nothing now, and only then lockouts.
/// </remarks>
public sealed partial class SignInThrottle(IOptions<PipelineOptions> options, TimeProvider time, ILogger<SignInThrottle> logger)
{
    public const int Capacity = 50_000;
    private const int MaxDoublings = 6;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Entries held now (pairs and addresses).</summary>
    internal int Tracked
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    private SecurityOptions Security => options.Value.Security;

    private TimeSpan ForgetAfter => Security.LockoutDuration * (1 << MaxDoublings);

    /// <summary>How much longer sign-ins for this name from this address are refused, or <c>null</c> when they are not.</summary>
    public TimeSpan? RefusedFor(string normalizedUserName, IPAddress? address)
    {
        var now = time.GetUtcNow();
        var client = ClientKey(address);
        lock (_gate)
        {
            var wait = Max(Remaining(AddressKey(client), now), Remaining(PairKey(client, normalizedUserName), now));
            return wait > TimeSpan.Zero ? wait : null;
        }
    }

    /// <summary>Counts a failed sign-in against the pair and the address; locks either one that reaches its limit.</summary>
    public void Failed(string normalizedUserName, IPAddress? address)
    {
        var now = time.GetUtcNow();
        var client = ClientKey(address);
        lock (_gate)
        {
            if (Count(PairKey(client, normalizedUserName), Security.MaxFailedSignIns, now) is { } pairLock)
            {
                LogPairLocked(logger, normalizedUserName, client, pairLock);
            }

            if (Count(AddressKey(client), Security.MaxFailedSignInsPerAddress, now) is { } addressLock)
            {
                LogAddressLocked(logger, client, addressLock);
            }
        }
    }

    /// <summary>A successful sign-in clears its pair (not the address: one good account must not reset a spray's count).</summary>
    public void Succeeded(string normalizedUserName, IPAddress? address)
    {
        lock (_gate)
        {
            _entries.Remove(PairKey(ClientKey(address), normalizedUserName));
        }
    }

    /// <summary>The address a limit counts: IPv4 as is, IPv6 by its /64 network.</summary>
    internal static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static string AddressKey(string client) => "a|" + client;

    private static string PairKey(string client, string normalizedUserName) => "p|" + client + "|" + normalizedUserName;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private TimeSpan Remaining(string key, DateTimeOffset now) =>
        _entries.TryGetValue(key, out var entry) && entry.LockedUntil is { } until && until > now ? until - now : TimeSpan.Zero;

    /// <returns>The lockout this failure started, if any.</returns>
    private TimeSpan? Count(string key, int limit, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(key, out var entry) || entry.IsForgotten(now, ForgetAfter))
        {
            MakeRoom(now);
            entry = new Entry { WindowStart = now };
            _entries[key] = entry;
        }

        entry.LastFailure = now;
        if (entry.LockedUntil is { } until && until > now)
        {
            return null;
        }

        if (now - entry.WindowStart >= Security.LockoutDuration)
        {
            entry.Failures = 0;
            entry.WindowStart = now;
        }

        if (++entry.Failures < limit)
        {
            return null;
        }

        var lockout = Security.LockoutDuration * (1 << Math.Min(entry.Lockouts, MaxDoublings));
        entry.Lockouts++;
        entry.Failures = 0;
        entry.LockedUntil = now + lockout;
        return lockout;
    }

    private void MakeRoom(DateTimeOffset now)
    {
        if (_entries.Count < Capacity)
        {
            return;
        }

        foreach (var key in _entries.Where(e => e.Value.IsForgotten(now, ForgetAfter)).Select(e => e.Key).ToList())
        {
            _entries.Remove(key);
        }

        if (_entries.Count >= Capacity)
        {
            // Entries that refuse sign-ins now go last, so a flood of fresh failures cannot wash out a lockout.
            var victims = _entries.OrderBy(e => e.Value.LockedUntil > now).ThenBy(e => e.Value.LastFailure).Take(Capacity / 10).Select(e => e.Key).ToList();
            foreach (var key in victims)
            {
                _entries.Remove(key);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in for {UserName} from {Client} refused for {Lockout} after repeated failures")]
    private static partial void LogPairLocked(ILogger logger, string userName, string client, TimeSpan lockout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in from {Client} refused for {Lockout}: too many failures over all user names")]
    private static partial void LogAddressLocked(ILogger logger, string client, TimeSpan lockout);

    private sealed class Entry
    {
        public int Failures { get; set; }

        public int Lockouts { get; set; }

        public DateTimeOffset WindowStart { get; set; }

        public DateTimeOffset LastFailure { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }

        public bool IsForgotten(DateTimeOffset now, TimeSpan forgetAfter) =>
            (LockedUntil is not { } until || until <= now) && now - LastFailure >= forgetAfter;
    }
}
