namespace ImagePipeline.Core.Events;

/// <summary>Where the intake and the runner announce committed changes. Called after the commit, never before.</summary>
public interface IPipelineEventPublisher
{
    Task PublishAsync(ImageStatusChangedEvent change, CancellationToken cancellationToken = default);

    Task PublishAsync(JobStatusChangedEvent change, CancellationToken cancellationToken = default);
}
