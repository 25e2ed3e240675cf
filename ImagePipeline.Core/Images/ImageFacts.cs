namespace ImagePipeline.Core.Images;

/// <summary>What the header of an image says, read without decoding its pixels.</summary>
public sealed record ImageFacts(
    string Format,
    string ContentType,
    string Extension,
    int Width,
    int Height,
    DateTime? CapturedAt,
    string? CameraMake,
    string? CameraModel,
    int? Orientation,
    EmbeddedVideo? Video = null);
