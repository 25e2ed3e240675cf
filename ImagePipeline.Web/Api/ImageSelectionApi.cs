using ImagePipeline.Core.Images;

namespace ImagePipeline.Web.Api;

/// <summary>Actions on a selection of images: move to the trash, restore, download (one original or a streamed zip).</summary>
public static class ImageSelectionApi
{
    public static RouteGroupBuilder MapImageSelectionApi(this RouteGroupBuilder images)
    {
        images.MapPost("/trash", TrashAsync).WithName("TrashImages").WithSummary("Move images to the trash ({ ids }); ids that are not yours are ignored.");
        images.MapPost("/restore", RestoreAsync).WithName("RestoreImages").WithSummary("Take images out of the trash ({ ids }).");
        images.MapGet("/download", (string? ids, HttpContext context, ImageDownloads downloads, CancellationToken ct) =>
            downloads.DownloadAsync(context, ParseIds(ids), ct)).WithName("DownloadImages").WithSummary("One original, or a zip of several streamed as it is built (?ids=a,b,c).");
        images.MapPost("/download", (IdsRequest request, HttpContext context, ImageDownloads downloads, CancellationToken ct) =>
            request.Problem(ImageDownloads.MaxIds) is { } problem ? Task.FromResult(problem) : downloads.DownloadAsync(context, request.Ids!, ct))
            .WithName("DownloadImagesPost").WithSummary("The same with { ids } in the body, for long selections.");
        return images;
    }

    private static async Task<IResult> TrashAsync(IdsRequest request, HttpContext context, ImageTrash trash, CancellationToken cancellationToken)
    {
        if (request.Problem(ImageTrash.MaxIds) is { } problem)
        {
            return problem;
        }

        var count = await trash.TrashAsync(context.User.ToViewer(), request.Ids!, cancellationToken);
        return count == 0 ? NotFound() : TypedResults.Ok(new CountResult(count));
    }

    private static async Task<IResult> RestoreAsync(IdsRequest request, HttpContext context, ImageTrash trash, CancellationToken cancellationToken)
    {
        if (request.Problem(ImageTrash.MaxIds) is { } problem)
        {
            return problem;
        }

        var count = await trash.RestoreAsync(context.User.ToViewer(), request.Ids!, cancellationToken);
        return count == 0 ? NotFound() : TypedResults.Ok(new CountResult(count));
    }

    private static IReadOnlyList<Guid> ParseIds(string? ids) =>
        [.. (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Guid.TryParse(s, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty)];

    private static IResult NotFound() => TypedResults.Problem(title: "Not found", detail: "None of these images is yours, or they are already there.", statusCode: 404);
}
