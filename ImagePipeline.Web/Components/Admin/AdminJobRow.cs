using ImagePipeline.Core.Jobs;
using ImagePipeline.Web.Api;

namespace ImagePipeline.Web.Components.Admin;

/// <summary>A row of the admin's job table: the job, and its image as a person recognises it (file name, thumbnail).</summary>
public sealed record AdminJobRow(JobDto Job, string? ImageName, string? ThumbnailUrl)
{
    public static AdminJobRow From(Job job) => new(
        JobDto.From(job),
        job.Image?.OriginalFileName,
        job.Image is { ThumbnailPath: not null } image ? $"/api/images/{image.Id}/thumbnail?v={image.Version}" : null);

    /// <summary>The image in the gallery.</summary>
    public string? ImageLink => Job.ImageId is { } id ? $"/?image={id}" : null;
}
