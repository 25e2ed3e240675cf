using ImagePipeline.Core.Events;
using Microsoft.AspNetCore.SignalR;

namespace ImagePipeline.Web.Hubs;

/// <summary>
/// Forwards every committed pipeline event to the hub groups that may see it: the image's own group, its owner's
/// group and the admins' group. One send per event, so a connection in several of those groups gets it once.
/// </summary>
public sealed class HubEventForwarder(PipelineEventBroadcaster broadcaster, IHubContext<ProgressHub> hub) : IHostedService
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = broadcaster.Subscribe(change => SendAsync(hub, change), change => SendAsync(hub, change));
        return Task.CompletedTask;
    }

    /// <summary>One event to its groups (also used by the scale-out relay, which replaces this service when Redis is on).</summary>
    public static Task SendAsync(IHubContext<ProgressHub> hub, ImageStatusChangedEvent change) =>
        hub.Clients.Groups(Targets(change.ImageId, change.OwnerId)).SendAsync(ProgressHub.ImageStatusChanged, change);

    public static Task SendAsync(IHubContext<ProgressHub> hub, JobStatusChangedEvent change) =>
        change.ImageId is { } imageId
            ? hub.Clients.Groups(Targets(imageId, change.OwnerId)).SendAsync(ProgressHub.JobStatusChanged, Redacted(change))
            : hub.Clients.Group(ProgressHub.AllGroup).SendAsync(ProgressHub.JobStatusChanged, Redacted(change));

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Owners get these events too: a short reason, never exception text (admins read the detail through the API).</summary>
    private static JobStatusChangedEvent Redacted(JobStatusChangedEvent change) =>
        change with { LastError = Api.FailureReason.ForOwner(change.LastError) };

    private static string[] Targets(Guid imageId, string? ownerId) =>
        [ProgressHub.ImageGroup(imageId), ProgressHub.OwnerGroup(ownerId), ProgressHub.AllGroup];
}
