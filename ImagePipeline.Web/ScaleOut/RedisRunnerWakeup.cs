using ImagePipeline.Core.Jobs;
using StackExchange.Redis;

namespace ImagePipeline.Web.ScaleOut;

/// <summary>Wakes this instance's runner (the inner wake-up) and, through Redis, every other instance's.</summary>
internal sealed class RedisRunnerWakeup(IRunnerWakeup inner, RedisWakeupRelay relay) : IRunnerWakeup
{
    public IRunnerWakeup Inner => inner;

    public void Wake()
    {
        inner.Wake();
        relay.Announce();
    }
}

/// <summary>The wake-up channel: announces this instance's enqueues, and wakes the local runner on every other instance's.</summary>
internal sealed partial class RedisWakeupRelay(
    IConnectionMultiplexer redis,
    RedisChannels channels,
    RunnerIdentity instance,
    IServiceProvider services,
    ILogger<RedisWakeupRelay> logger) : IHostedService
{
    private ChannelMessageQueue? _queue;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _queue = await redis.GetSubscriber().SubscribeAsync(channels.Wakeups);
        _queue.OnMessage(message =>
        {
            if (message.Message != instance.Id)
            {
                // The decorated wake-up would announce again: ring the local one only.
                LocalWakeup().Wake();
            }
        });
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_queue is not null)
        {
            await _queue.UnsubscribeAsync();
        }
    }

    public void Announce()
    {
        try
        {
            redis.GetSubscriber().Publish(channels.Wakeups, instance.Id, CommandFlags.FireAndForget);
        }
        catch (RedisException ex)
        {
            LogAnnounceFailed(logger, ex);
        }
    }

    private IRunnerWakeup LocalWakeup()
    {
        var wakeup = services.GetRequiredService<IRunnerWakeup>();
        return wakeup is RedisRunnerWakeup decorated ? decorated.Inner : wakeup;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce a wake-up through Redis; other instances pick the work up at their next poll")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception);
}
