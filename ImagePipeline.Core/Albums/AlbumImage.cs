namespace ImagePipeline.Core.Albums;

/// <summary>A photo in an album. A photo can be in several albums; deleting the photo removes it from all of them.</summary>
public sealed class AlbumImage
{
    public Guid AlbumId { get; set; }

    public Guid ImageId { get; set; }

    public DateTime AddedAt { get; set; }

    public Images.Image? Image { get; set; }
}
