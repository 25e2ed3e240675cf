using ImagePipeline.Core.Events;

namespace ImagePipeline.Core.Jobs;

/// <summary>
/// The events a committed change causes. Every queue and image change returns one; the caller publishes it after the
/// commit with <see cref="PipelineEventPublisherExtensions.PublishAsync(IPipelineEventPublisher, ChangeSet, CancellationToken)"/>.
/// </summary>
public sealed record ChangeSet(IReadOnlyList<JobStatusChangedEvent> Jobs, IReadOnlyList<ImageStatusChangedEvent> Images)
{
    public ChangeSet(JobStatusChangedEvent? job, ImageStatusChangedEvent? image)
        : this(job is null ? [] : [job], image is null ? [] : [image])
    {
    }

    public static ChangeSet Empty { get; } = new([], []);

    public bool IsEmpty => Jobs.Count == 0 && Images.Count == 0;

    public ChangeSet And(ChangeSet other) =>
        other.IsEmpty ? this : IsEmpty ? other : new([.. Jobs, .. other.Jobs], [.. Images, .. other.Images]);
}
