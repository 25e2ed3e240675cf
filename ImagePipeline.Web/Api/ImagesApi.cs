using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace ImagePipeline.Web.Api;

/// <summary><c>/api/images</c>: list, detail, files (with ETag and ranges) and delete. Someone else's image is 404.</summary>
public static class ImagesApi
{
    public static RouteGroupBuilder MapImagesApi(this RouteGroupBuilder api)
    {
        var images = api.MapGroup("/images").WithTags("Images");
        images.MapGet("/", ListAsync).WithName("ListImages").WithSummary("Images, newest first, with processing status.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        images.MapGet("/{id:guid}", GetAsync).WithName("GetImage").WithSummary("One image with its metadata, status and jobs.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        images.MapGet("/{id:guid}/original", (Guid id, HttpContext c, ImageQueries q, IAssetStorage s, CancellationToken ct) => FileAsync(id, AssetKind.Original, c, q, s, ct))
            .WithName("GetOriginal").WithSummary("The uploaded bytes (ranges, strong ETag).").ProducesFile();
        images.MapGet("/{id:guid}/preview", (Guid id, HttpContext c, ImageQueries q, IAssetStorage s, CancellationToken ct) => FileAsync(id, AssetKind.Preview, c, q, s, ct))
            .WithName("GetPreview").WithSummary("The preview (JPEG or WebP).").ProducesFile();
        images.MapGet("/{id:guid}/thumbnail", (Guid id, HttpContext c, ImageQueries q, IAssetStorage s, CancellationToken ct) => FileAsync(id, AssetKind.Thumbnail, c, q, s, ct))
            .WithName("GetThumbnail").WithSummary("The thumbnail (JPEG or WebP).").ProducesFile();
        images.MapGet("/{id:guid}/video", VideoAsync).WithName("GetImageVideo")
            .WithSummary("A motion photo's video (MP4, ranges); 404 when the image has none.")
            .Produces(StatusCodes.Status200OK, contentType: "video/mp4").ProducesProblem(StatusCodes.Status404NotFound);
        images.MapPost("/{id:guid}/retry", RetryAsync).WithName("RetryImage")
            .WithSummary("Retry an image's FAILED jobs: its owner a few times (Pipeline:Runner:OwnerRetries), an admin always.");
        images.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteImage").WithSummary("Delete an image, its jobs and every file.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        images.MapImageSelectionApi();
        images.MapDuplicateCheckApi();
        return api;
    }

    /// <summary>A file answer: 200 with the bytes (206 for a range, 304 for a matching ETag), or 404 problem details.</summary>
    private static RouteHandlerBuilder ProducesFile(this RouteHandlerBuilder endpoint) =>
        endpoint.Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<Results<Ok<PagedResult<ImageDto>>, ProblemHttpResult>> ListAsync(HttpContext context, ImageQueries queries, string? status, int? page, int? pageSize, bool? trashed, CancellationToken cancellationToken)
    {
        ImageStatus? filter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<ImageStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return TypedResults.Problem(title: "Unknown status", detail: $"status must be one of {string.Join(", ", Enum.GetNames<ImageStatus>().Select(n => n.ToUpperInvariant()))}.", statusCode: 400);
            }

            filter = parsed;
        }

        var (p, size) = Paging.Normalize(page, pageSize);
        var (items, total) = await queries.ListAsync(context.User.ToViewer(), filter, trashed == true, p, size, cancellationToken);
        return TypedResults.Ok(new PagedResult<ImageDto>([.. items.Select(i => ImageDto.From(i))], p, size, total));
    }

    private static async Task<Results<Ok<ImageDto>, ProblemHttpResult>> GetAsync(Guid id, HttpContext context, ImageQueries queries, CancellationToken cancellationToken)
    {
        var image = await queries.FindAsync(context.User.ToViewer(), id, withJobs: true, cancellationToken);
        return image is null ? NotFound() : TypedResults.Ok(ImageDto.From(image, withJobs: true, admin: context.User.ToViewer().IsAdmin));
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

        var info = storage.GetInfo(key);
        if (info is null)
        {
            return NotFound();
        }

        var tag = kind == AssetKind.Original && image.Sha256 is { } sha
            ? $"\"{sha}\""
            : $"\"{kind.ToString().ToLowerInvariant()}-{info.LastModifiedUtc.Ticks:x}-{info.Length:x}\"";
        var etag = new EntityTagHeaderValue(tag);
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        if (kind == AssetKind.Original)
        {
            headers.CacheControl = "private, no-cache";
            var download = Path.ChangeExtension(SafeName(image.OriginalFileName), AssetLayout.ExtensionOf(image.ContentType));
            return Results.File(storage.OpenRead(key), image.ContentType, fileDownloadName: download, lastModified: info.LastModifiedUtc, entityTag: etag, enableRangeProcessing: true);
        }

        // Derived asset URLs carry the image version (?v=), so a regenerated asset gets a new URL.
        headers.CacheControl = "private, max-age=31536000, immutable";
        headers.ContentDisposition = $"inline; filename=\"{image.Id:N}-{kind.ToString().ToLowerInvariant()}{Path.GetExtension(key)}\"";
        return Results.File(storage.OpenRead(key), AssetLayout.ContentTypeOf(key), lastModified: info.LastModifiedUtc, entityTag: etag, enableRangeProcessing: false);
    }

    /// <summary>The MP4 a motion photo carries inside its original, served as its own file.</summary>
    private static async Task<IResult> VideoAsync(Guid id, HttpContext context, ImageQueries queries, IAssetStorage storage, CancellationToken cancellationToken)
    {
        var image = await queries.FindAsync(context.User.ToViewer(), id, withJobs: false, cancellationToken);
        if (image is not { VideoOffset: { } offset, VideoLength: { } length, SourcePath: { } key } || !storage.Exists(key))
        {
            return Results.Problem(title: "Not found", detail: "No such image, or it is not a motion photo.", statusCode: 404);
        }

        var info = storage.GetInfo(key);
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "private, no-cache";
        headers.ContentDisposition = $"inline; filename=\"{image.Id:N}-motion.mp4\"";
        var etag = new EntityTagHeaderValue($"\"{image.Sha256 ?? image.Id.ToString("N")}-video\"");
        return Results.Stream(new FileWindowStream(storage.OpenRead(key), offset, length), "video/mp4", lastModified: info?.LastModifiedUtc,
            entityTag: etag, enableRangeProcessing: true);
    }

    private static async Task<IResult> RetryAsync(Guid id, HttpContext context, JobAdmin jobs, CancellationToken cancellationToken) =>
        await jobs.RetryImageAsync(context.User.ToViewer(), id, cancellationToken) switch
        {
            ImageRetryOutcome.Retried => Results.Accepted($"/api/images/{id}"),
            ImageRetryOutcome.NothingToRetry => Results.Problem(title: "Nothing to retry", detail: "The image has no failed job.", statusCode: 409),
            ImageRetryOutcome.LimitReached => Results.Problem(title: "Retry limit reached",
                detail: "This image has been retried as often as its owner may; an admin can still retry it.", statusCode: 409),
            _ => NotFound(),
        };

    private static async Task<IResult> DeleteAsync(Guid id, HttpContext context, ImageDeleter deleter, CancellationToken cancellationToken) =>
        await deleter.DeleteAsync(context.User.ToViewer(), id, cancellationToken) ? Results.NoContent() : NotFound();

    private static ProblemHttpResult NotFound() => TypedResults.Problem(title: "Not found", detail: "No such image, or it has no such file yet.", statusCode: 404);

    private static string SafeName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var cleaned = new string([.. name.Select(c => invalid.Contains(c) || char.IsControl(c) || c == '"' ? '_' : c)]);
        return string.IsNullOrWhiteSpace(cleaned) ? "image" : cleaned;
    }
}
