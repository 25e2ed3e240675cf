namespace ImagePipeline.Core.Images;

/// <summary>
/// What a photo's EXIF says beyond the columns kept in the database: lens and exposure for anyone who can see the photo,
/// and where it was taken (<see cref="Latitude"/>/<see cref="Longitude"/>) only for its owner.
/// </summary>
public sealed record PhotoDetails(
    string? Lens,
    double? ExposureSeconds,
    double? FNumber,
    int? Iso,
    double? FocalLengthMm,
    double? Latitude,
    double? Longitude)
{
    public static PhotoDetails Empty { get; } = new(null, null, null, null, null, null, null);

    /// <summary>The same details without the place: what anyone but the owner is shown.</summary>
    public PhotoDetails WithoutPlace() => this with { Latitude = null, Longitude = null };
}
