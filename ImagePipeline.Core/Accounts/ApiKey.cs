namespace ImagePipeline.Core.Accounts;

/// <summary>A named key a user made for scripts. Only a hash of the secret is stored.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }

    public string UserId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>The first characters of the key, shown so the user can tell keys apart.</summary>
    public string Prefix { get; set; } = "";

    /// <summary>SHA-256 of the whole key (the key is 256 random bits, so a fast hash is the right one).</summary>
    public string Hash { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}
