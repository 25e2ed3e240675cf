using ImagePipeline.Core.Albums;
using ImagePipeline.Core.Sharing;

namespace ImagePipeline.Web.Api;

/// <summary>An album in lists: name, photo count and cover thumbnail.</summary>
public sealed record AlbumDto(Guid Id, string Name, int Count, Guid? CoverImageId, string? CoverUrl, bool CoverChosen, DateTime CreatedAt, DateTime UpdatedAt)
{
    public static AlbumDto From(AlbumSummary a) => new(
        a.Id, a.Name, a.Count, a.CoverImageId,
        a.CoverImageId is { } cover ? $"/api/images/{cover}/thumbnail?v={a.CoverVersion}" : null,
        a.CoverChosen, a.CreatedAt, a.UpdatedAt);
}

/// <summary>An album with its photos.</summary>
public sealed record AlbumDetailDto(Guid Id, string Name, int Count, Guid? CoverImageId, string? CoverUrl, bool CoverChosen, DateTime CreatedAt, DateTime UpdatedAt, IReadOnlyList<ImageDto> Images)
{
    public static AlbumDetailDto From(AlbumDetail d)
    {
        var a = AlbumDto.From(d.Album);
        return new(a.Id, a.Name, a.Count, a.CoverImageId, a.CoverUrl, a.CoverChosen, a.CreatedAt, a.UpdatedAt, [.. d.Images.Select(i => ImageDto.From(i))]);
    }
}

/// <summary><c>{ name }</c> to create; <c>{ name?, coverImageId? }</c> to update (an empty GUID goes back to the newest photo).</summary>
public sealed record AlbumRequest(string? Name, Guid? CoverImageId);

/// <summary><c>{ expiresAt?, allowDownload? }</c>.</summary>
public sealed record ShareLinkRequest(DateTime? ExpiresAt, bool? AllowDownload);

/// <summary>A share link as its owner sees it; <see cref="Url"/> only in the answer to its creation.</summary>
public sealed record ShareLinkDto(Guid Id, string? Url, bool AllowDownload, DateTime CreatedAt, DateTime? ExpiresAt)
{
    public static ShareLinkDto From(ShareLinkInfo l, string? url = null) => new(l.Id, url, l.AllowDownload, l.CreatedAt, l.ExpiresAt);
}

/// <summary>
/// A photo as a share link shows it: sizes, the time taken and file URLs under the link. No name, no owner.
/// <see cref="ZoomOriginal"/> (not in JSON): the original may replace the preview when zoomed (downloads allowed, a browser format).
/// </summary>
public sealed record SharedImageDto(Guid Id, int Width, int Height, DateTime TakenAt, string? ThumbnailUrl, string? PreviewUrl, string? OriginalUrl,
    [property: System.Text.Json.Serialization.JsonIgnore] bool ZoomOriginal = false);

/// <summary>What a share link shows.</summary>
public sealed record SharedAlbumDto(string Name, bool AllowDownload, DateTime? ExpiresAt, IReadOnlyList<SharedImageDto> Images);
