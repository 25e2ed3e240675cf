using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Images;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ImagePipeline.Web.Api;

/// <summary><c>POST /api/upload</c>: multipart field <c>file</c>, streamed straight to storage (never buffered in memory).</summary>
public static class UploadApi
{
    public const string FieldName = "file";

    public const string EndpointName = "Upload";

    public static RouteGroupBuilder MapUploadApi(this RouteGroupBuilder api)
    {
        api.MapPost("/upload", UploadAsync)
            .WithName(EndpointName)
            .WithSummary("Upload one image (multipart field 'file').")
            .DisableAntiforgery() // a streamed multipart body, not a form post; the auth cookie is SameSite=Strict
            .RequireRateLimiting(Accounts.SecurityComposition.UploadRateLimit)
            .Produces<UploadResult>(StatusCodes.Status201Created)
            .Produces<UploadResult>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status507InsufficientStorage);
        return api;
    }

    private static async Task<Results<Created<UploadResult>, Ok<UploadResult>, ProblemHttpResult>> UploadAsync(HttpContext context, ImageIntake intake, IOptions<PipelineOptions> options, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            // Room for the multipart framing; the intake enforces the exact limit on the file's bytes.
            sizeFeature.MaxRequestBodySize = options.Value.Upload.MaxBytes + (1024 * 1024);
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            return Problem(StatusCodes.Status400BadRequest, "Not a multipart upload", "Send the image as multipart/form-data with a field named 'file'.");
        }

        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
        IntakeResult? result = null;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.IsFileDisposition())
                {
                    continue;
                }

                if (!string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, FieldName, StringComparison.Ordinal))
                {
                    continue;
                }

                if (result is not null)
                {
                    await DeleteAsync(context, result);
                    return Problem(StatusCodes.Status400BadRequest, "One file per request", "Send exactly one file in the field 'file'; this request had more.");
                }

                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                result = await intake.IngestAsync(section.Body, fileName, context.User.ToViewer().UserId, cancellationToken);
            }
        }
        catch (UploadRejectedException ex)
        {
            return Problem(StatusOf(ex.Rejection), ex.Title, ex.Message);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException and not FileNotFoundException || ex is BadHttpRequestException)
        {
            if (result is not null)
            {
                await DeleteAsync(context, result);
            }

            // A fixed text: the exception's own message can name server internals.
            var status = ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
            return status == StatusCodes.Status413PayloadTooLarge
                ? Problem(status, "File too large", $"The upload is larger than the limit of {options.Value.Upload.MaxBytes / (1024.0 * 1024.0):0.#} MB.")
                : Problem(status, "Malformed upload", "The multipart body is malformed or ended before its closing boundary.");
        }

        if (result is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "No file", "The request has no file in the multipart field 'file'.");
        }

        var image = result.Image;
        var body = new UploadResult(image.Id, image.Status, image.OriginalFileName, image.ContentType, image.SizeBytes, image.Width, image.Height, image.CreatedAt, result.Duplicate);
        return result.Duplicate ? TypedResults.Ok(body) : TypedResults.Created($"/api/images/{image.Id}", body);
    }

    private static async Task DeleteAsync(HttpContext context, IntakeResult result)
    {
        if (!result.Duplicate)
        {
            await context.RequestServices.GetRequiredService<ImageDeleter>().DeleteAsync(Viewer.System, result.Image.Id, CancellationToken.None);
        }
    }

    internal static int StatusOf(UploadRejection rejection) => rejection switch
    {
        UploadRejection.TooLarge => StatusCodes.Status413PayloadTooLarge,
        UploadRejection.UnsupportedFormat => StatusCodes.Status415UnsupportedMediaType,
        UploadRejection.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        UploadRejection.InsufficientStorage => StatusCodes.Status507InsufficientStorage,
        _ => StatusCodes.Status400BadRequest,
    };

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status);
}
