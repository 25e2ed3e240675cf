namespace ImagePipeline.Web.Components.Upload;

/// <summary>One file on the upload page: its client-side phase, then the image it became.</summary>
public sealed class UploadEntry
{
    public required string Key { get; init; }

    public required string FileName { get; init; }

    public long Size { get; init; }

    public UploadPhase Phase { get; set; } = UploadPhase.Queued;

    /// <summary>Bytes sent, 0–100, while <see cref="UploadPhase.Uploading"/>.</summary>
    public int Percent { get; set; }

    public Guid? ImageId { get; set; }

    public bool Duplicate { get; set; }

    /// <summary>Why the file was refused (client check or the server's problem title).</summary>
    public string? Error { get; set; }

    public string? ErrorDetail { get; set; }

    public bool InFlight => Phase is UploadPhase.Queued or UploadPhase.Uploading;
}

/// <summary>Where a file is before the server has an image for it.</summary>
public enum UploadPhase
{
    Queued,
    Uploading,
    Uploaded,
    Rejected,
    Cancelled,
}
