using ImagePipeline.Core.Events;
using ImagePipeline.Web.Hubs;
using Microsoft.AspNetCore.SignalR;

namespace ImagePipeline.Web.ScaleOut;

/// <summary>
/// <see cref="IPipelineEventPublisher"/> with Redis: an event that happened here goes to this instance's broadcaster
/// (its Blazor components), to SignalR through the backplane (every instance's clients, once), and to the other
/// instances' broadcasters through <see cref="RedisEventRelay"/>.
/// </summary>
internal sealed class RelayingEventPublisher(IPipelineEventPublisher inner, IHubContext<ProgressHub> hub, RedisEventRelay relay) : IPipelineEventPublisher
{
    public async Task PublishAsync(ImageStatusChangedEvent change, CancellationToken cancellationToken = default)
    {
        await inner.PublishAsync(change, cancellationToken);
        await HubEventForwarder.SendAsync(hub, change);
        await relay.PublishAsync(change);
    }

    public async Task PublishAsync(JobStatusChangedEvent change, CancellationToken cancellationToken = default)
    {
        await inner.PublishAsync(change, cancellationToken);
        await HubEventForwarder.SendAsync(hub, change);
        await relay.PublishAsync(change);
    }
}
