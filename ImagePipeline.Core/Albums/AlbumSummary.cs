namespace ImagePipeline.Core.Albums;

/// <summary>An album as lists show it: its name, how many photos (not counting trashed ones) and the cover.</summary>
public sealed record AlbumSummary(Guid Id, string Name, int Count, Guid? CoverImageId, int? CoverVersion, bool CoverChosen, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>An album with its photos, newest taken first.</summary>
public sealed record AlbumDetail(AlbumSummary Album, IReadOnlyList<Images.Image> Images);
