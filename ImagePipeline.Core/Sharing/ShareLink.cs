namespace ImagePipeline.Core.Sharing;

/// <summary>
/// A link that shows one album to anyone who has its URL. Only the SHA-256 of its token is stored; revoking deletes
/// the row, so the URL and every file URL under it answer 404 at once.
/// </summary>
public sealed class ShareLink
{
    public Guid Id { get; set; }

    public Guid AlbumId { get; set; }

    /// <summary>Lower-case hex SHA-256 of the token's UTF-8 text.</summary>
    public string TokenHash { get; set; } = "";

    public bool AllowDownload { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>Null: until revoked.</summary>
    public DateTime? ExpiresAt { get; set; }
}
