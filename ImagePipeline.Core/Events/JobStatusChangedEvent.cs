using ImagePipeline.Core.Jobs;

namespace ImagePipeline.Core.Events;

/// <summary>Pushed on every job status change (SignalR <c>JobStatusChanged</c>).</summary>
public sealed record JobStatusChangedEvent(
    Guid JobId,
    Guid? ImageId,
    JobType Type,
    JobStatus Status,
    int Attempts,
    string? LastError,
    DateTime OccurredAt)
{
    /// <summary>Who owns the job's image; used to route the event, not sent to clients.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? OwnerId { get; init; }

    /// <summary>The one factory: the event for <paramref name="job"/> as it now is.</summary>
    public static JobStatusChangedEvent Of(Job job, string? ownerId, DateTime occurredAt) =>
        new(job.Id, job.ImageId, job.Type, job.Status, job.Attempts, job.LastError, occurredAt) { OwnerId = ownerId };
}
