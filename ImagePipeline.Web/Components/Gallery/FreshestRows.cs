using ImagePipeline.Web.Api;

namespace ImagePipeline.Web.Components.Gallery;

/// <summary>
/// A list read that was in flight while live events updated single images: an event's own read of its image can be newer
/// than the list's (the list was read first and answered later), so where the page already shows a newer row of an image
/// than the list brought, it keeps that row. Without it, a photo finished during a reload stayed "processing" until the
/// next reload.
/// </summary>
public static class FreshestRows
{
    public static List<ImageDto> Merge(IEnumerable<ImageDto> read, IReadOnlyDictionary<Guid, ImageDto> shown) =>
        [.. read.Select(row => shown.TryGetValue(row.ImageId, out var known) && known.UpdatedAt > row.UpdatedAt ? known : row)];
}
