namespace ImagePipeline.Core.Sharing;

/// <summary>A share link as its owner sees it (the token itself is shown once, when it is made).</summary>
public sealed record ShareLinkInfo(Guid Id, Guid AlbumId, bool AllowDownload, DateTime CreatedAt, DateTime? ExpiresAt);

/// <summary>A new link and its token (never stored).</summary>
public sealed record CreatedShareLink(ShareLinkInfo Link, string Token);

/// <summary>What a valid token opens: one album, by name, and whether originals may be downloaded. Nothing about its owner.</summary>
public sealed record SharedAlbum(Guid LinkId, Guid AlbumId, string Name, bool AllowDownload, DateTime? ExpiresAt);
