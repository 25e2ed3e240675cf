using ImagePipeline.Core.Images;

namespace ImagePipeline.Web.Api;

/// <summary>Image reads as the API's DTOs, through Core's <see cref="ImageQueries"/>: what components inject.</summary>
public sealed class ImageReads(ImageQueries queries)
{
    public async Task<ImageDto?> FindAsync(Viewer viewer, Guid id, CancellationToken cancellationToken)
    {
        var image = await queries.FindAsync(viewer, id, withJobs: true, cancellationToken);
        return image is null ? null : ImageDto.From(image, withJobs: true, admin: viewer.IsAdmin);
    }

    /// <summary>Those of <paramref name="ids"/> the viewer may see (the owner's own; all for an admin), in the order asked.</summary>
    public async Task<IReadOnlyList<ImageDto>> FindManyAsync(Viewer viewer, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        [.. (await queries.FindManyAsync(viewer, ids, cancellationToken)).Select(i => ImageDto.From(i))];

    public async Task<(IReadOnlyList<ImageDto> Items, int Total)> ListAsync(Viewer viewer, ImageStatus? status, int page, int pageSize, CancellationToken cancellationToken)
    {
        var (items, total) = await queries.ListAsync(viewer, status, page, pageSize, cancellationToken);
        return ([.. items.Select(i => ImageDto.From(i))], total);
    }
}
