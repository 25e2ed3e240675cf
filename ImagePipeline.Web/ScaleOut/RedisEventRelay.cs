using System.Text.Json;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Jobs;
using StackExchange.Redis;

namespace ImagePipeline.Web.ScaleOut;

/// <summary>
/// Pipeline events between instances over a Redis channel. Each message carries the id of the instance it happened on
/// (its runner id, <c>host:pid:suffix</c>); an instance ignores its own messages (Redis echoes them back) and hands every
/// other one to its local <see cref="PipelineEventBroadcaster"/>, which feeds the Blazor components. SignalR clients are
/// not fed from here: the instance where the event happened sent it once through the backplane already.
/// </summary>
internal sealed partial class RedisEventRelay(
    IConnectionMultiplexer redis,
    RedisChannels channels,
    RunnerIdentity instance,
    PipelineEventBroadcaster local,
    ILogger<RedisEventRelay> logger) : IHostedService
{
    private ChannelMessageQueue? _queue;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // A message queue, not a plain handler: messages are handled one at a time, in the order they were published.
        _queue = await redis.GetSubscriber().SubscribeAsync(channels.Events);
        _queue.OnMessage(OnMessageAsync);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_queue is not null)
        {
            await _queue.UnsubscribeAsync();
        }
    }

    public Task PublishAsync(ImageStatusChangedEvent change) =>
        SendAsync(new RelayedEvent(instance.Id, change.OwnerId, change, null));

    public Task PublishAsync(JobStatusChangedEvent change) =>
        SendAsync(new RelayedEvent(instance.Id, change.OwnerId, null, change));

    private async Task SendAsync(RelayedEvent message)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(channels.Events, JsonSerializer.Serialize(message, RelayJson.Options));
        }
        catch (RedisException ex)
        {
            // After the commit: the change is safe in the database; other instances' pages catch up on their next read.
            LogPublishFailed(logger, ex);
        }
    }

    private async Task OnMessageAsync(ChannelMessage message)
    {
        RelayedEvent? relayed;
        try
        {
            relayed = JsonSerializer.Deserialize<RelayedEvent>(message.Message.ToString(), RelayJson.Options);
        }
        catch (JsonException ex)
        {
            LogUnreadable(logger, ex);
            return;
        }

        if (relayed is null || relayed.Origin == instance.Id)
        {
            return;
        }

        if (relayed.Image is { } image)
        {
            await local.PublishAsync(image with { OwnerId = relayed.OwnerId });
        }

        if (relayed.Job is { } job)
        {
            await local.PublishAsync(job with { OwnerId = relayed.OwnerId });
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not relay an event to the other instances through Redis")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored an unreadable message on the Redis events channel")]
    private static partial void LogUnreadable(ILogger logger, Exception exception);
}

/// <summary>One event on the wire; the owner travels beside it because the events keep it out of their JSON.</summary>
public sealed record RelayedEvent(string Origin, string? OwnerId, ImageStatusChangedEvent? Image, JobStatusChangedEvent? Job);

internal static class RelayJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
