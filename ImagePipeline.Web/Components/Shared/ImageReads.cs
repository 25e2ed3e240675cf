using ImagePipeline.Core.Data;
using ImagePipeline.Core.Images;
using ImagePipeline.Web.Api;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Web.Components.Shared;

/// <summary>
/// Image reads for components. A Blazor circuit lives long and renders concurrently, so every read takes its own
/// short-lived context from the factory instead of the request-scoped one.
/// </summary>
public sealed class ImageReads(IDbContextFactory<PipelineDbContext> contexts)
{
    public async Task<ImageDto?> FindAsync(Viewer viewer, Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var image = await new ImageQueries(db).FindAsync(viewer, id, withJobs: true, cancellationToken);
        return image is null ? null : ImageDto.From(image, withJobs: true, admin: viewer.IsAdmin);
    }

    public async Task<(IReadOnlyList<ImageDto> Items, int Total)> ListAsync(Viewer viewer, ImageStatus? status, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (items, total) = await new ImageQueries(db).ListAsync(viewer, status, page, pageSize, cancellationToken);
        return ([.. items.Select(i => ImageDto.From(i))], total);
    }
}
