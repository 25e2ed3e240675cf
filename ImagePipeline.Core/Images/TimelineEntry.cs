namespace ImagePipeline.Core.Images;

/// <summary>
/// One photo as the timeline needs it: small enough to hold the whole library of a viewer (10,000+ photos) in a circuit.
/// <see cref="TakenAt"/> is the EXIF capture time, else the upload time.
/// </summary>
public sealed record TimelineEntry(Guid Id, DateTime TakenAt, ImageStatus Status, string FileName, int Version, bool HasThumbnail, bool HasPreview, DateTime? TrashedAt = null)
{
    public string ThumbnailUrl => $"/api/images/{Id}/thumbnail?v={Version}";
}
