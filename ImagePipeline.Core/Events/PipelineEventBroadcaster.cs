namespace ImagePipeline.Core.Events;

/// <summary>
/// In-process fan-out of pipeline events: the SignalR hub and Blazor components subscribe here.
/// Subscribers must not block; a failing subscriber never fails the publisher.
/// </summary>
public sealed class PipelineEventBroadcaster : IPipelineEventPublisher
{
    private readonly Lock _gate = new();
    private ImmutableHandlers _handlers = new([], []);

    public IDisposable Subscribe(Func<ImageStatusChangedEvent, Task>? onImage, Func<JobStatusChangedEvent, Task>? onJob)
    {
        lock (_gate)
        {
            _handlers = new(
                onImage is null ? _handlers.Image : [.. _handlers.Image, onImage],
                onJob is null ? _handlers.Job : [.. _handlers.Job, onJob]);
        }

        return new Subscription(this, onImage, onJob);
    }

    public Task PublishAsync(ImageStatusChangedEvent change, CancellationToken cancellationToken = default) =>
        Fanout(_handlers.Image, change);

    public Task PublishAsync(JobStatusChangedEvent change, CancellationToken cancellationToken = default) =>
        Fanout(_handlers.Job, change);

    private static async Task Fanout<T>(Func<T, Task>[] handlers, T change)
    {
        foreach (var handler in handlers)
        {
            try
            {
                await handler(change);
            }
            catch (Exception)
            {
                // A subscriber's failure (a closed circuit, a gone connection) is its own business.
            }
        }
    }

    private void Unsubscribe(Func<ImageStatusChangedEvent, Task>? onImage, Func<JobStatusChangedEvent, Task>? onJob)
    {
        lock (_gate)
        {
            _handlers = new(
                [.. _handlers.Image.Where(h => h != onImage)],
                [.. _handlers.Job.Where(h => h != onJob)]);
        }
    }

    private sealed record ImmutableHandlers(Func<ImageStatusChangedEvent, Task>[] Image, Func<JobStatusChangedEvent, Task>[] Job);

    private sealed class Subscription(PipelineEventBroadcaster owner, Func<ImageStatusChangedEvent, Task>? onImage, Func<JobStatusChangedEvent, Task>? onJob) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(onImage, onJob);
    }
}
