namespace ImagePipeline.Core.Images;

/// <summary>Why an upload was refused; the web layer maps each to its HTTP status.</summary>
public enum UploadRejection
{
    /// <summary>400: no file part, or a malformed request.</summary>
    BadRequest,

    /// <summary>413: over <c>Pipeline:Upload:MaxBytes</c>.</summary>
    TooLarge,

    /// <summary>415: not an image, or a format we do not accept.</summary>
    UnsupportedFormat,

    /// <summary>422: truncated or corrupt, or over the pixel limit.</summary>
    Unprocessable,

    /// <summary>507: the data directory is out of space.</summary>
    InsufficientStorage,
}

/// <summary>An upload refused for a reason the client can act on. Nothing of it was kept.</summary>
public sealed class UploadRejectedException(UploadRejection rejection, string title, string detail) : Exception(detail)
{
    public UploadRejection Rejection { get; } = rejection;

    public string Title { get; } = title;
}
