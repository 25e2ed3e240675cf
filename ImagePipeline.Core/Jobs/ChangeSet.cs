using ImagePipeline.Core.Events;

namespace ImagePipeline.Core.Jobs;

/// <summary>The events a committed queue change causes, published after the commit.</summary>
public sealed record ChangeSet(JobStatusChangedEvent? Job, ImageStatusChangedEvent? Image)
{
    public static ChangeSet Empty { get; } = new(null, null);
}
