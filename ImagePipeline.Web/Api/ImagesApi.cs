using ImagePipeline.Core.Images;
using ImagePipeline.Core.Storage;
using Microsoft.Net.Http.Headers;

namespace ImagePipeline.Web.Api;

/// <summary><c>/api/images</c>: list, detail, files (with ETag and ranges) and delete. Someone else's image is 404.</summary>
public static class ImagesApi
{
    public static RouteGroupBuilder MapImagesApi(this RouteGroupBuilder api)
    {
        var images = api.MapGroup("/images").WithTags("Images");
        images.MapGet("/", ListAsync).WithName("ListImages").WithSummary("Images, newest first, with processing status.");
        images.MapGet("/{id:guid}", GetAsync).WithName("GetImage").WithSummary("One image with its metadata, status and jobs.");
        images.MapGet("/{id:guid}/original", (Guid id, HttpContext c, ImageQueries q, IAssetStorage s, CancellationToken ct) => FileAsync(id, AssetKind.Original, c, q, s, ct));
        images.MapGet("/{id:guid}/preview", (Guid id, HttpContext c, ImageQueries q, IAssetStorage s, CancellationToken ct) => FileAsync(id, AssetKind.Preview, c, q, s, ct));
        images.MapGet("/{id:guid}/thumbnail", (Guid id, HttpContext c, ImageQueries q, IAssetStorage s, CancellationToken ct) => FileAsync(id, AssetKind.Thumbnail, c, q, s, ct));
        images.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteImage").WithSummary("Delete an image, its jobs and every file.");
        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext context, ImageQueries queries, string? status, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        ImageStatus? filter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<ImageStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return Results.Problem(title: "Unknown status", detail: $"status must be one of {string.Join(", ", Enum.GetNames<ImageStatus>().Select(n => n.ToUpperInvariant()))}.", statusCode: 400);
            }

            filter = parsed;
        }

        var (p, size) = Paging.Normalize(page, pageSize);
        var (items, total) = await queries.ListAsync(context.User.ToViewer(), filter, p, size, cancellationToken);
        return Results.Ok(new PagedResult<ImageDto>([.. items.Select(i => ImageDto.From(i))], p, size, total));
    }

    private static async Task<IResult> GetAsync(Guid id, HttpContext context, ImageQueries queries, CancellationToken cancellationToken)
    {
        var image = await queries.FindAsync(context.User.ToViewer(), id, withJobs: true, cancellationToken);
        return image is null ? NotFound() : Results.Ok(ImageDto.From(image, withJobs: true, admin: context.User.ToViewer().IsAdmin));
    }

    private static async Task<IResult> FileAsync(Guid id, AssetKind kind, HttpContext context, ImageQueries queries, IAssetStorage storage, CancellationToken cancellationToken)
    {
        var image = await queries.FindAsync(context.User.ToViewer(), id, withJobs: false, cancellationToken);
        var key = kind switch
        {
            AssetKind.Original => image?.SourcePath,
            AssetKind.Preview => image?.PreviewPath,
            _ => image?.ThumbnailPath,
        };
        if (image is null || key is null || !storage.Exists(key))
        {
            return NotFound();
        }

        var path = storage.GetFullPath(key);
        var info = new FileInfo(path);
        var tag = kind == AssetKind.Original && image.Sha256 is { } sha
            ? $"\"{sha}\""
            : $"\"{kind.ToString().ToLowerInvariant()}-{info.LastWriteTimeUtc.Ticks:x}-{info.Length:x}\"";
        var etag = new EntityTagHeaderValue(tag);
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        if (kind == AssetKind.Original)
        {
            headers.CacheControl = "private, no-cache";
            var download = Path.ChangeExtension(SafeName(image.OriginalFileName), ExtensionOf(image.ContentType));
            return Results.File(path, image.ContentType, fileDownloadName: download, lastModified: info.LastWriteTimeUtc, entityTag: etag, enableRangeProcessing: true);
        }

        // Derived asset URLs carry the image version (?v=), so a regenerated asset gets a new URL.
        headers.CacheControl = "private, max-age=31536000, immutable";
        var contentType = key.EndsWith(".webp", StringComparison.Ordinal) ? "image/webp" : "image/jpeg";
        headers.ContentDisposition = $"inline; filename=\"{image.Id:N}-{kind.ToString().ToLowerInvariant()}{Path.GetExtension(key)}\"";
        return Results.File(path, contentType, lastModified: info.LastWriteTimeUtc, entityTag: etag, enableRangeProcessing: false);
    }

    private static async Task<IResult> DeleteAsync(Guid id, HttpContext context, ImageDeleter deleter, CancellationToken cancellationToken) =>
        await deleter.DeleteAsync(context.User.ToViewer(), id, cancellationToken) ? Results.NoContent() : NotFound();

    private static IResult NotFound() => Results.Problem(title: "Not found", detail: "No such image, or it has no such file yet.", statusCode: 404);

    private static string SafeName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var cleaned = new string([.. name.Select(c => invalid.Contains(c) || char.IsControl(c) || c == '"' ? '_' : c)]);
        return string.IsNullOrWhiteSpace(cleaned) ? "image" : cleaned;
    }

    private static string ExtensionOf(string contentType) => contentType switch
    {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        "image/bmp" => ".bmp",
        "image/tiff" => ".tiff",
        _ => ".bin",
    };
}
