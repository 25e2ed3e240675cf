using ImagePipeline.Web.Api;

namespace ImagePipeline.Web.Components.Gallery;

/// <summary>
/// The photos before and after the one in the viewer, across the whole list a page holds (the timeline's or the album's,
/// in display order), not only the rows rendered: ← and → move through all of it.
/// </summary>
public readonly record struct ViewerNeighbours(ImageDto? Previous, ImageDto? Next)
{
    public static ViewerNeighbours Of(IReadOnlyList<ImageDto> images, Guid current)
    {
        for (var i = 0; i < images.Count; i++)
        {
            if (images[i].ImageId == current)
            {
                return new ViewerNeighbours(i > 0 ? images[i - 1] : null, i < images.Count - 1 ? images[i + 1] : null);
            }
        }

        return default;
    }
}
