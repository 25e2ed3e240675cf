using ImagePipeline.Core.Data;
using ImagePipeline.Core.Images;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Albums;

/// <summary>
/// Albums: strictly their owner's (not even an admin sees another user's album). Only the owner's own photos can be
/// added; other ids are ignored. Someone else's album is simply not found (null / false).
/// </summary>
public sealed class AlbumService(IDbContextFactory<PipelineDbContext> contexts, TimeProvider time)
{
    public const int MaxNameLength = 200;

    /// <summary>A trimmed name of 1–200 characters, or null when there is none.</summary>
    public static string? CleanName(string? name) =>
        name?.Trim() is { Length: > 0 and <= MaxNameLength } trimmed && !trimmed.Any(char.IsControl) ? trimmed : null;

    public async Task<IReadOnlyList<AlbumSummary>> ListAsync(Viewer viewer, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await SummariesAsync(db, Owned(db, viewer), cancellationToken);
    }

    public async Task<AlbumSummary?> FindAsync(Viewer viewer, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await SummariesAsync(db, Owned(db, viewer).Where(a => a.Id == id), cancellationToken)).FirstOrDefault();
    }

    public async Task<AlbumDetail?> GetAsync(Viewer viewer, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var summary = (await SummariesAsync(db, Owned(db, viewer).Where(a => a.Id == id), cancellationToken)).FirstOrDefault();
        if (summary is null)
        {
            return null;
        }

        var images = await ImagesOf(db, id).ToListAsync(cancellationToken);
        return new AlbumDetail(summary, images);
    }

    public async Task<AlbumSummary> CreateAsync(Viewer viewer, string name, CancellationToken cancellationToken)
    {
        var owner = OwnerOf(viewer);
        var clean = CleanName(name) ?? throw new ArgumentException($"An album name is 1 to {MaxNameLength} characters.", nameof(name));
        var now = time.GetUtcNow().UtcDateTime;
        var album = new Album { Id = Guid.CreateVersion7(), OwnerId = owner, Name = clean, CreatedAt = now, UpdatedAt = now };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Albums.Add(album);
        await db.SaveChangesAsync(cancellationToken);
        return new AlbumSummary(album.Id, album.Name, 0, null, null, false, now, now);
    }

    /// <summary>Renames (when <paramref name="name"/> is given) and sets the cover (when <paramref name="coverImageId"/> is given; <see cref="Guid.Empty"/> goes back to the newest photo).</summary>
    public async Task<bool> UpdateAsync(Viewer viewer, Guid id, string? name, Guid? coverImageId, CancellationToken cancellationToken)
    {
        string? clean = null;
        if (name is not null)
        {
            clean = CleanName(name) ?? throw new ArgumentException($"An album name is 1 to {MaxNameLength} characters.", nameof(name));
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var album = await Owned(db, viewer).AsTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (album is null)
        {
            return false;
        }

        if (coverImageId is { } cover)
        {
            if (cover == Guid.Empty)
            {
                album.CoverImageId = null;
            }
            else if (await db.AlbumImages.AnyAsync(ai => ai.AlbumId == id && ai.ImageId == cover, cancellationToken))
            {
                album.CoverImageId = cover;
            }
            else
            {
                throw new ArgumentException("The cover must be a photo in the album.", nameof(coverImageId));
            }
        }

        album.Name = clean ?? album.Name;
        album.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Deletes the album and its share links; the photos stay.</summary>
    public async Task<bool> DeleteAsync(Viewer viewer, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Owned(db, viewer).Where(a => a.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <summary>Adds the viewer's own photos (others are ignored); answers how many were new to the album, or null when the album is not the viewer's.</summary>
    public async Task<int?> AddImagesAsync(Viewer viewer, Guid id, IReadOnlyCollection<Guid> imageIds, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await Owned(db, viewer).AnyAsync(a => a.Id == id, cancellationToken))
        {
            return null;
        }

        var owner = OwnerOf(viewer);
        var now = time.GetUtcNow().UtcDateTime;
        var added = 0;
        foreach (var chunk in imageIds.Distinct().Chunk(500))
        {
            var mine = await db.Images.Where(i => chunk.Contains(i.Id) && i.OwnerId == owner && i.TrashedAt == null).Select(i => i.Id).ToListAsync(cancellationToken);
            var already = await db.AlbumImages.Where(ai => ai.AlbumId == id && mine.Contains(ai.ImageId)).Select(ai => ai.ImageId).ToListAsync(cancellationToken);
            foreach (var imageId in mine.Except(already))
            {
                db.AlbumImages.Add(new AlbumImage { AlbumId = id, ImageId = imageId, AddedAt = now });
                added++;
            }
        }

        await db.Albums.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.UpdatedAt, now), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return added;
    }

    /// <summary>Removes photos from the album (the photos stay in the library); null when the album is not the viewer's.</summary>
    public async Task<int?> RemoveImagesAsync(Viewer viewer, Guid id, IReadOnlyCollection<Guid> imageIds, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await Owned(db, viewer).AnyAsync(a => a.Id == id, cancellationToken))
        {
            return null;
        }

        var removed = 0;
        foreach (var chunk in imageIds.Distinct().Chunk(500))
        {
            removed += await db.AlbumImages.Where(ai => ai.AlbumId == id && chunk.Contains(ai.ImageId)).ExecuteDeleteAsync(cancellationToken);
        }

        var now = time.GetUtcNow().UtcDateTime;
        await db.Albums.Where(a => a.Id == id && a.CoverImageId != null && !db.AlbumImages.Any(ai => ai.AlbumId == id && ai.ImageId == a.CoverImageId))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.CoverImageId, (Guid?)null), cancellationToken);
        await db.Albums.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.UpdatedAt, now), cancellationToken);
        return removed;
    }

    /// <summary>The album's photos that are not in the trash, newest taken first (EXIF capture time, else upload time).</summary>
    internal static IQueryable<Image> ImagesOf(PipelineDbContext db, Guid albumId) =>
        db.AlbumImages.AsNoTracking().Where(ai => ai.AlbumId == albumId && ai.Image!.TrashedAt == null)
            .Select(ai => ai.Image!)
            .OrderByDescending(i => i.CapturedAt ?? i.CreatedAt).ThenByDescending(i => i.Id);

    private static IQueryable<Album> Owned(PipelineDbContext db, Viewer viewer)
    {
        var owner = viewer.UserId ?? "";
        return db.Albums.AsNoTracking().Where(a => a.OwnerId == owner);
    }

    private static string OwnerOf(Viewer viewer) =>
        viewer.UserId is { Length: > 0 } id ? id : throw new InvalidOperationException("Albums need a signed-in user.");

    private static async Task<List<AlbumSummary>> SummariesAsync(PipelineDbContext db, IQueryable<Album> albums, CancellationToken cancellationToken)
    {
        var live = db.AlbumImages.Where(ai => ai.Image!.TrashedAt == null);
        var rows = await albums.Select(a => new
        {
            a.Id,
            a.Name,
            a.CreatedAt,
            a.UpdatedAt,
            Count = live.Count(ai => ai.AlbumId == a.Id),
            ChosenId = live.Where(ai => ai.AlbumId == a.Id && ai.ImageId == a.CoverImageId).Select(ai => (Guid?)ai.ImageId).FirstOrDefault(),
            ChosenVersion = live.Where(ai => ai.AlbumId == a.Id && ai.ImageId == a.CoverImageId).Select(ai => (int?)ai.Image!.Version).FirstOrDefault(),
            NewestId = live.Where(ai => ai.AlbumId == a.Id).OrderByDescending(ai => ai.Image!.CapturedAt ?? ai.Image!.CreatedAt).ThenByDescending(ai => ai.ImageId)
                .Select(ai => (Guid?)ai.ImageId).FirstOrDefault(),
            NewestVersion = live.Where(ai => ai.AlbumId == a.Id).OrderByDescending(ai => ai.Image!.CapturedAt ?? ai.Image!.CreatedAt).ThenByDescending(ai => ai.ImageId)
                .Select(ai => (int?)ai.Image!.Version).FirstOrDefault(),
        }).ToListAsync(cancellationToken);
        return [.. rows.OrderByDescending(r => r.UpdatedAt).Select(r => new AlbumSummary(
            r.Id, r.Name, r.Count,
            r.ChosenId ?? r.NewestId,
            r.ChosenId is null ? r.NewestVersion : r.ChosenVersion,
            r.ChosenId is not null,
            r.CreatedAt, r.UpdatedAt))];
    }
}
