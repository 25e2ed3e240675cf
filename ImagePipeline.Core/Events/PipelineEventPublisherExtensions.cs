using ImagePipeline.Core.Jobs;

namespace ImagePipeline.Core.Events;

/// <summary>The one way a committed change is announced: its <see cref="ChangeSet"/>, each job change before the image status it caused.</summary>
public static class PipelineEventPublisherExtensions
{
    public static async Task PublishAsync(this IPipelineEventPublisher events, ChangeSet changes, CancellationToken cancellationToken = default)
    {
        foreach (var job in changes.Jobs)
        {
            await events.PublishAsync(job, cancellationToken);
        }

        foreach (var image in changes.Images)
        {
            await events.PublishAsync(image, cancellationToken);
        }
    }
}
