using ImagePipeline.Core.Images;

namespace ImagePipeline.Web.Api;

/// <summary>An image as the API shows it, with its processing status and asset URLs (<c>VideoUrl</c>: a motion photo's clip).</summary>
public sealed record ImageDto(
    Guid ImageId,
    string FileName,
    string ContentType,
    string? Format,
    long Size,
    int Width,
    int Height,
    string? Sha256,
    DateTime? CapturedAt,
    string? CameraMake,
    string? CameraModel,
    int? Orientation,
    ImageStatus Status,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    string OriginalUrl,
    string? ThumbnailUrl,
    string? PreviewUrl,
    IReadOnlyList<JobDto>? Jobs,
    string? VideoUrl = null,
    DateTime? TrashedAt = null)
{
    public static ImageDto From(Image image, bool withJobs = false, bool admin = false)
    {
        var baseUrl = $"/api/images/{image.Id}";
        var version = $"?v={image.Version}";
        return new ImageDto(
            image.Id, image.OriginalFileName, image.ContentType, image.Format, image.SizeBytes, image.Width, image.Height,
            image.Sha256, image.CapturedAt, image.CameraMake, image.CameraModel, image.Orientation, image.Status,
            image.CreatedAt, image.UpdatedAt,
            $"{baseUrl}/original",
            image.ThumbnailPath is null ? null : $"{baseUrl}/thumbnail{version}",
            image.PreviewPath is null ? null : $"{baseUrl}/preview{version}",
            withJobs ? [.. image.Jobs.Select(j => JobDto.From(j, admin))] : null,
            image.VideoLength is > 0 ? $"{baseUrl}/video" : null,
            image.TrashedAt);
    }
}
