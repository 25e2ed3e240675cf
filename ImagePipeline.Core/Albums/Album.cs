namespace ImagePipeline.Core.Albums;

/// <summary>A named set of one owner's photos. Deleting it leaves the photos where they are.</summary>
public sealed class Album
{
    public Guid Id { get; set; }

    /// <summary>The user who made it (Identity user id). Albums are strictly their owner's.</summary>
    public string OwnerId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>The chosen cover; null means the newest photo in the album.</summary>
    public Guid? CoverImageId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public List<AlbumImage> Images { get; set; } = [];
}
