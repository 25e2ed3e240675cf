namespace ImagePipeline.Core.Images;

/// <summary>The stored image, and whether the same bytes were already there.</summary>
public sealed record IntakeResult(Image Image, bool Duplicate);
