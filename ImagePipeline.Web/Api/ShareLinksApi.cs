using ImagePipeline.Core.Images;
using ImagePipeline.Core.Sharing;
using ImagePipeline.Core.Storage;
using Microsoft.Net.Http.Headers;

namespace ImagePipeline.Web.Api;

/// <summary>
/// Share links: the owner's <c>/api/albums/{id}/links</c>, and the open <c>/api/share/{token}</c> with its file URLs.
/// An unknown, revoked or expired token, or a photo that is not in the link's album, is 404 — the same answer, so a
/// link tells nothing about anything else.
/// </summary>
public static class ShareLinksApi
{
    public const string PagePrefix = "/s/";

    public static RouteGroupBuilder MapShareLinksApi(this RouteGroupBuilder albums)
    {
        albums.MapGet("/{id:guid}/links", ListAsync).WithName("ListShareLinks").WithSummary("The album's share links (their URLs are shown once, at creation).");
        albums.MapPost("/{id:guid}/links", CreateAsync).WithName("CreateShareLink").WithSummary("A share link ({ expiresAt?, allowDownload? }) answering { id, url, expiresAt }.");
        albums.MapDelete("/{id:guid}/links/{linkId:guid}", RevokeAsync).WithName("RevokeShareLink").WithSummary("Revoke a link: its URL and every file URL under it answer 404 at once.");
        return albums;
    }

    /// <summary>The open endpoints a share link's holder uses; nothing else is open.</summary>
    public static RouteGroupBuilder MapPublicShareApi(this RouteGroupBuilder api)
    {
        var share = api.MapGroup("/share").WithTags("Sharing").AllowAnonymous();
        share.MapGet("/{token}", GetSharedAsync).WithName("GetSharedAlbum").WithSummary("The shared album's photos (open to anyone with the link).");
        share.MapGet("/{token}/images/{imageId:guid}/thumbnail", (string token, Guid imageId, HttpContext c, ShareLinkService s, IAssetStorage a, CancellationToken ct) => FileAsync(token, imageId, AssetKind.Thumbnail, c, s, a, ct));
        share.MapGet("/{token}/images/{imageId:guid}/preview", (string token, Guid imageId, HttpContext c, ShareLinkService s, IAssetStorage a, CancellationToken ct) => FileAsync(token, imageId, AssetKind.Preview, c, s, a, ct));
        share.MapGet("/{token}/images/{imageId:guid}/original", (string token, Guid imageId, HttpContext c, ShareLinkService s, IAssetStorage a, CancellationToken ct) => FileAsync(token, imageId, AssetKind.Original, c, s, a, ct));
        return api;
    }

    /// <summary><c>GET /s/{token}</c>: the shared album as one plain HTML page (no app shell, no script), or a 404 page.</summary>
    public static IEndpointConventionBuilder MapSharePage(this IEndpointRouteBuilder app) =>
        app.MapGet("/s/{token}", async (string token, HttpContext context, ShareLinkService links, CancellationToken cancellationToken) =>
        {
            NoStore(context);
            var shared = await links.ResolveAsync(token, cancellationToken);
            var images = shared is null ? [] : (await links.ImagesAsync(shared, cancellationToken)).Select(i => ToShared(i, token, shared.AllowDownload)).ToList();
            var parameters = new Dictionary<string, object?> { ["Token"] = token, ["Album"] = shared, ["Images"] = images };
            return new Microsoft.AspNetCore.Http.HttpResults.RazorComponentResult<Components.Gallery.SharedAlbumView>(parameters)
            {
                StatusCode = shared is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK,
            };
        }).AllowAnonymous().ExcludeFromDescription();

    public static string FileUrl(string token, Guid imageId, string kind) => $"/api/share/{token}/images/{imageId}/{kind}";

    public static SharedImageDto ToShared(Image image, string token, bool allowDownload) => new(
        image.Id, image.Width, image.Height, image.CapturedAt ?? image.CreatedAt,
        image.ThumbnailPath is null ? null : FileUrl(token, image.Id, "thumbnail"),
        image.PreviewPath is null ? null : FileUrl(token, image.Id, "preview"),
        allowDownload ? FileUrl(token, image.Id, "original") : null,
        allowDownload && Components.Gallery.PhotoInfo.BrowserCanShow(image.ContentType));

    private static async Task<IResult> ListAsync(Guid id, HttpContext context, ShareLinkService links, CancellationToken cancellationToken) =>
        await links.ListAsync(context.User.ToViewer(), id, cancellationToken) is { } list
            ? TypedResults.Ok(list.Select(l => ShareLinkDto.From(l)).ToList())
            : NotFound("No such album.");

    private static async Task<IResult> CreateAsync(Guid id, ShareLinkRequest? request, HttpContext context, ShareLinkService links, CancellationToken cancellationToken)
    {
        try
        {
            var created = await links.CreateAsync(context.User.ToViewer(), id, request?.ExpiresAt, request?.AllowDownload ?? false, cancellationToken);
            if (created is null)
            {
                return NotFound("No such album.");
            }

            var url = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{PagePrefix}{created.Token}";
            return TypedResults.Created($"/api/albums/{id}/links/{created.Link.Id}", ShareLinkDto.From(created.Link, url));
        }
        catch (ArgumentException ex)
        {
            return TypedResults.Problem(title: "Bad share link", detail: ex.Message, statusCode: 400);
        }
    }

    private static async Task<IResult> RevokeAsync(Guid id, Guid linkId, HttpContext context, ShareLinkService links, CancellationToken cancellationToken) =>
        await links.RevokeAsync(context.User.ToViewer(), id, linkId, cancellationToken) ? TypedResults.NoContent() : NotFound("No such link.");

    private static async Task<IResult> GetSharedAsync(string token, HttpContext context, ShareLinkService links, CancellationToken cancellationToken)
    {
        var shared = await links.ResolveAsync(token, cancellationToken);
        if (shared is null)
        {
            return NotFound("No such link, or it was revoked or has expired.");
        }

        NoStore(context);
        var images = await links.ImagesAsync(shared, cancellationToken);
        return TypedResults.Ok(new SharedAlbumDto(shared.Name, shared.AllowDownload, shared.ExpiresAt, [.. images.Select(i => ToShared(i, token, shared.AllowDownload))]));
    }

    private static async Task<IResult> FileAsync(string token, Guid imageId, AssetKind kind, HttpContext context, ShareLinkService links, IAssetStorage storage, CancellationToken cancellationToken)
    {
        var shared = await links.ResolveAsync(token, cancellationToken);
        if (shared is null || (kind == AssetKind.Original && !shared.AllowDownload))
        {
            return NotFound("No such link or file.");
        }

        var image = await links.FindImageAsync(shared, imageId, cancellationToken);
        var key = kind switch
        {
            AssetKind.Original => image?.SourcePath,
            AssetKind.Preview => image?.PreviewPath,
            _ => image?.ThumbnailPath,
        };
        if (image is null || key is null || !storage.Exists(key))
        {
            return NotFound("No such link or file.");
        }

        var info = storage.GetInfo(key);
        if (info is null)
        {
            return NotFound("No such link or file.");
        }

        var etag = new EntityTagHeaderValue($"\"{kind.ToString().ToLowerInvariant()}-{info.LastModifiedUtc.Ticks:x}-{info.Length:x}\"");
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        // Revalidated on every use, so a revoked link stops serving even what a browser has seen.
        headers.CacheControl = "private, no-cache";
        headers["X-Robots-Tag"] = "noindex, nofollow";
        if (kind == AssetKind.Original)
        {
            var download = $"{image.Id:N}{AssetLayout.ExtensionOf(image.ContentType)}";
            return TypedResults.File(storage.OpenRead(key), image.ContentType, download, info.LastModifiedUtc, etag, enableRangeProcessing: true);
        }

        headers.ContentDisposition = $"inline; filename=\"{image.Id:N}-{kind.ToString().ToLowerInvariant()}{Path.GetExtension(key)}\"";
        return TypedResults.File(storage.OpenRead(key), AssetLayout.ContentTypeOf(key), lastModified: info.LastModifiedUtc, entityTag: etag);
    }

    private static void NoStore(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers["X-Robots-Tag"] = "noindex, nofollow";
    }

    private static IResult NotFound(string detail) => TypedResults.Problem(title: "Not found", detail: detail, statusCode: 404);
}
