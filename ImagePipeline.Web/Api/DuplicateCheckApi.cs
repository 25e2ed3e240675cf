using ImagePipeline.Core.Images;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ImagePipeline.Web.Api;

/// <summary>
/// <c>POST /api/images/exists</c>: which of these SHA-256 hashes the signed-in user already has (their own images only, as the
/// upload's duplicate answer), so the upload page can mark those files "already there" without sending their bytes.
/// </summary>
public static class DuplicateCheckApi
{
    public const int MaxHashes = 500;

    public static RouteGroupBuilder MapDuplicateCheckApi(this RouteGroupBuilder images)
    {
        images.MapPost("/exists", ExistsAsync).WithName("ImagesExist")
            .WithSummary($"Which of {{ \"sha256\": [hex, ...] }} (1 to {MaxHashes}) you already have, with their image ids.")
            .Produces<ExistsResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return images;
    }

    private static async Task<IResult> ExistsAsync(ExistsRequest? request, HttpContext context, ImageQueries queries, CancellationToken cancellationToken)
    {
        if (request?.Sha256 is not { Count: > 0 and <= MaxHashes } hashes)
        {
            return Problem($"Send {{ \"sha256\": [...] }} with 1 to {MaxHashes} hashes.");
        }

        for (var i = 0; i < hashes.Count; i++)
        {
            if (!IsSha256Hex(hashes[i]))
            {
                return Problem($"sha256[{i}] is not a SHA-256 in hex (64 characters 0-9, a-f).");
            }
        }

        var ownerId = context.User.ToViewer().UserId;
        if (ownerId is null)
        {
            return TypedResults.Ok(new ExistsResult([]));
        }

        var found = await queries.OwnedBySha256Async(ownerId, [.. hashes.Select(h => h!.ToLowerInvariant())], cancellationToken);
        return TypedResults.Ok(new ExistsResult([.. found.Select(f => new ExistingImage(f.Sha256, f.ImageId))]));
    }

    private static bool IsSha256Hex(string? value) => value is { Length: 64 } && value.All(char.IsAsciiHexDigit);

    private static ProblemHttpResult Problem(string detail) =>
        TypedResults.Problem(title: "Bad hashes", detail: detail, statusCode: StatusCodes.Status400BadRequest);
}

/// <summary>The body of <c>POST /api/images/exists</c>.</summary>
public sealed record ExistsRequest(IReadOnlyList<string?>? Sha256);

/// <summary>The hashes asked about that the user already has.</summary>
public sealed record ExistsResult(IReadOnlyList<ExistingImage> Existing);

/// <summary>One hash the user already has, and the image holding those bytes.</summary>
public sealed record ExistingImage(string Sha256, Guid ImageId);
