using ImagePipeline.Core.Images;

namespace ImagePipeline.Core.Jobs;

/// <summary>A row of the durable job queue.</summary>
public sealed class Job
{
    public const int DefaultMaxAttempts = 3;

    public Guid Id { get; set; }

    public JobType Type { get; set; }

    /// <summary>The image this job derives an asset for. Null only on predecessor rows that were never linked.</summary>
    public Guid? ImageId { get; set; }

    public Image? Image { get; set; }

    /// <summary>The predecessor's JSON payload (<c>{"imageId": ...}</c>). Kept for upgraded rows.</summary>
    public string? Payload { get; set; }

    public JobStatus Status { get; set; } = JobStatus.Pending;

    public int Attempts { get; set; }

    public int MaxAttempts { get; set; } = DefaultMaxAttempts;

    /// <summary>Type and message of the last failure.</summary>
    public string? LastError { get; set; }

    /// <summary>The last failure with its stack trace, for the admin detail.</summary>
    public string? LastErrorDetail { get; set; }

    public DateTime? LockedAt { get; set; }

    public string? LockedBy { get; set; }

    /// <summary>Not claimable before this time (backoff after a failure).</summary>
    public DateTime RunAfter { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? CompletedAt { get; set; }

    /// <summary>Optimistic-concurrency and fencing token: every claim, renewal and finish bumps it.</summary>
    public int Version { get; set; }

    public List<JobAttempt> AttemptLog { get; set; } = [];
}
