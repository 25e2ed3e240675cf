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
    public static JobDto From(Job job) => new(
        job.Id, job.Type, job.ImageId, job.Status, job.Attempts, job.MaxAttempts, job.LastError, job.LockedAt, job.LockedBy,
        job.RunAfter, job.CreatedAt, job.UpdatedAt, job.StartedAt, job.CompletedAt);
}
