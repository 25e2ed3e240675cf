namespace ImagePipeline.Web.Api;

/// <summary>A page of items with the total that matched.</summary>
public sealed record PagedResult<T>(IReadOnlyList<T> Items, int Page, int PageSize, int Total);

/// <summary>A page of jobs with the counts per status over the whole queue.</summary>
public sealed record JobListResult(IReadOnlyList<JobDto> Items, int Page, int PageSize, int Total, IReadOnlyDictionary<string, int> Counts);

/// <summary>The answer to an upload.</summary>
public sealed record UploadResult(Guid ImageId, Core.Images.ImageStatus Status, string FileName, string ContentType, long Size, int Width, int Height, DateTime CreatedAt, bool Duplicate);
