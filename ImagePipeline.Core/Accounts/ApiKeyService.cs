using System.Security.Cryptography;
using System.Text;
using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Accounts;

/// <summary>
/// Named API keys: 256 random bits shown once as <c>ipk_...</c>, stored as their SHA-256 (a slow password hash adds nothing
/// for a random 256-bit secret), revocable, with a last-used time.
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<PipelineDbContext> contexts, TimeProvider time)
{
    private const string KeyPrefix = "ipk_";
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<(ApiKey Key, string Secret)> CreateAsync(string userId, string name, CancellationToken cancellationToken)
    {
        var secret = KeyPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            UserId = userId,
            Name = string.IsNullOrWhiteSpace(name) ? "key" : name.Trim()[..Math.Min(name.Trim().Length, 100)],
            Prefix = secret[..12],
            Hash = Hash(secret),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return (key, secret);
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId).OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
    }

    public async Task<bool> RevokeAsync(string userId, Guid keyId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ApiKeys.Where(k => k.Id == keyId && k.UserId == userId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken) == 1;
    }

    /// <summary>The live (unrevoked) key with this secret, its last-used time refreshed; null if none.</summary>
    public async Task<ApiKey?> ValidateAsync(string secret, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith(KeyPrefix, StringComparison.Ordinal) || secret.Length > 200)
        {
            return null;
        }

        var hash = Hash(secret);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Hash == hash && k.RevokedAt == null, cancellationToken);
        if (key is null)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (key.LastUsedAt is null || now - key.LastUsedAt > LastUsedResolution)
        {
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
            key.LastUsedAt = now;
        }

        return key;
    }

    /// <summary>Constant-time comparison of a presented key with the configured bootstrap key.</summary>
    public static bool MatchesBootstrap(string presented, string? bootstrap) =>
        !string.IsNullOrEmpty(bootstrap)
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(bootstrap)));

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
