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

    /// <summary>The image's pipeline status as the server last said (upload answer, live events, or the list on load).</summary>
    public ImagePipeline.Core.Images.ImageStatus? Status { get; private set; }

    /// <summary>When the server changed the image to <see cref="Status"/> (the event's time, or the image's <c>UpdatedAt</c> in a read).</summary>
    public DateTime? StatusAt { get; private set; }

    /// <summary>
    /// Takes a status the server reported as of <paramref name="at"/>, unless a newer one is already known. Reports come out of
    /// order: the intake publishes INGESTED after its commit, and a runner already draining can claim, process and publish
    /// STORED before that; a read of the image can also return after an event that is newer than it. Without the order the
    /// late INGESTED would leave a finished photo "waiting for processing" for good.
    /// </summary>
    public bool ApplyStatus(ImagePipeline.Core.Images.ImageStatus status, DateTime at)
    {
        if (StatusAt is { } known && at < known)
        {
            return false;
        }

        Status = status;
        StatusAt = at;
        return true;
    }

    /// <summary>The import this file came with (0: restored after a refresh); the overall bar and the estimate cover one import.</summary>
    public int Batch { get; init; }

    /// <summary>Refused for a reason a second try may fix (network, server busy or failing), or cancelled: "Retry failed" sends it again.</summary>
    public bool Retryable { get; set; }

    /// <summary>The browser sent it and the server answered (a refusal then is the server's, not the page's check).</summary>
    public bool Sent { get; set; }

    /// <summary>The server has it and it needs nothing more: processed, or a duplicate of a photo already there.</summary>
    public bool Ready => Phase == UploadPhase.Uploaded && (Duplicate || Status == ImagePipeline.Core.Images.ImageStatus.Stored);

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
