using ImagePipeline.Core.Jobs;

namespace ImagePipeline.Web.Api;

/// <summary>A job with the predecessor's fields.</summary>
public sealed record JobDto(
    Guid Id,
    JobType Type,
    Guid? ImageId,
    JobStatus Status,
    int Attempts,
    int MaxAttempts,
    string? LastError,
    DateTime? LockedAt,
    string? LockedBy,
    DateTime RunAfter,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateTime? StartedAt,
    DateTime? CompletedAt)
{
    /// <summary>Every field, for admins.</summary>
    public static JobDto From(Job job) => From(job, admin: true);

    /// <summary>Admins see the error and the runner holding the job; owners a short reason and no runner.</summary>
    public static JobDto From(Job job, bool admin) => new(
        job.Id, job.Type, job.ImageId, job.Status, job.Attempts, job.MaxAttempts,
        admin ? job.LastError : FailureReason.ForOwner(job.LastError), job.LockedAt, admin ? job.LockedBy : null,
        job.RunAfter, job.CreatedAt, job.UpdatedAt, job.StartedAt, job.CompletedAt);
}
