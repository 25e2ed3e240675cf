using ImagePipeline.Core.Albums;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Images;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Sharing;

/// <summary>
/// Share links of albums. The owner makes, lists and revokes them; anyone with a token sees that album's photos that
/// are not in the trash, and nothing else. A revoked (deleted) or expired link resolves to nothing at once.
/// </summary>
public sealed class ShareLinkService(IDbContextFactory<PipelineDbContext> contexts, TimeProvider time)
{
    /// <summary>A link for the viewer's album; null when the album is not theirs.</summary>
    public async Task<CreatedShareLink?> CreateAsync(Viewer viewer, Guid albumId, DateTime? expiresAt, bool allowDownload, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (expiresAt is { } expiry && expiry.ToUniversalTime() <= now)
        {
            throw new ArgumentException("expiresAt must be in the future.", nameof(expiresAt));
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await OwnedAlbum(db, viewer, albumId).AnyAsync(cancellationToken))
        {
            return null;
        }

        var token = ShareTokens.NewToken();
        var link = new ShareLink
        {
            Id = Guid.CreateVersion7(),
            AlbumId = albumId,
            TokenHash = ShareTokens.Hash(token),
            AllowDownload = allowDownload,
            CreatedAt = now,
            ExpiresAt = expiresAt?.ToUniversalTime(),
        };
        db.ShareLinks.Add(link);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedShareLink(Info(link), token);
    }

    /// <summary>The album's links, newest first; null when the album is not the viewer's.</summary>
    public async Task<IReadOnlyList<ShareLinkInfo>?> ListAsync(Viewer viewer, Guid albumId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await OwnedAlbum(db, viewer, albumId).AnyAsync(cancellationToken))
        {
            return null;
        }

        var links = await db.ShareLinks.AsNoTracking().Where(l => l.AlbumId == albumId).ToListAsync(cancellationToken);
        return [.. links.OrderByDescending(l => l.CreatedAt).Select(Info)];
    }

    /// <summary>Revokes (deletes) a link of the viewer's album.</summary>
    public async Task<bool> RevokeAsync(Viewer viewer, Guid albumId, Guid linkId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await OwnedAlbum(db, viewer, albumId).AnyAsync(cancellationToken))
        {
            return false;
        }

        return await db.ShareLinks.Where(l => l.Id == linkId && l.AlbumId == albumId).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <summary>The album a token opens, or null (unknown, revoked or expired token).</summary>
    public async Task<SharedAlbum?> ResolveAsync(string? token, CancellationToken cancellationToken)
    {
        if (!ShareTokens.IsWellFormed(token))
        {
            return null;
        }

        var hash = ShareTokens.Hash(token!);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var found = await (
            from l in db.ShareLinks.AsNoTracking()
            join a in db.Albums.AsNoTracking() on l.AlbumId equals a.Id
            where l.TokenHash == hash
            select new { l.Id, l.AlbumId, a.Name, l.AllowDownload, l.ExpiresAt }).FirstOrDefaultAsync(cancellationToken);
        return found is null || (found.ExpiresAt is { } expiry && expiry <= now)
            ? null
            : new SharedAlbum(found.Id, found.AlbumId, found.Name, found.AllowDownload, found.ExpiresAt);
    }

    /// <summary>The shared album's photos (not trashed), newest taken first.</summary>
    public async Task<IReadOnlyList<Image>> ImagesAsync(SharedAlbum shared, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await AlbumService.ImagesOf(db, shared.AlbumId).ToListAsync(cancellationToken);
    }

    /// <summary>One photo of the shared album, or null when it is not in the album (or is in the trash).</summary>
    public async Task<Image?> FindImageAsync(SharedAlbum shared, Guid imageId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.AlbumImages.AsNoTracking()
            .Where(ai => ai.AlbumId == shared.AlbumId && ai.ImageId == imageId && ai.Image!.TrashedAt == null)
            .Select(ai => ai.Image!).FirstOrDefaultAsync(cancellationToken);
    }

    private static IQueryable<Album> OwnedAlbum(PipelineDbContext db, Viewer viewer, Guid albumId)
    {
        var owner = viewer.UserId ?? "";
        return db.Albums.AsNoTracking().Where(a => a.Id == albumId && a.OwnerId == owner);
    }

    private static ShareLinkInfo Info(ShareLink link) => new(link.Id, link.AlbumId, link.AllowDownload, link.CreatedAt, link.ExpiresAt);
}
