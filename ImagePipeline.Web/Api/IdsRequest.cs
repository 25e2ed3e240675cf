namespace ImagePipeline.Web.Api;

/// <summary>A body of image ids: <c>{ "ids": [...] }</c>.</summary>
public sealed record IdsRequest(IReadOnlyList<Guid>? Ids)
{
    /// <summary>A problem when the list is missing, empty or longer than <paramref name="max"/>; else null.</summary>
    public IResult? Problem(int max) => Ids is not { Count: > 0 } || Ids.Count > max
        ? TypedResults.Problem(title: "Bad ids", detail: $"Send {{ \"ids\": [...] }} with 1 to {max} image ids.", statusCode: 400)
        : null;
}

/// <summary>How many images an action changed.</summary>
public sealed record CountResult(int Count);
