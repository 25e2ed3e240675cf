using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace ImagePipeline.Web.Health;

/// <summary>
/// Redis (only when <c>ConnectionStrings:Redis</c> is set) answers a PING. Without it the instance still serves and
/// processes; only live events and wake-ups between instances stop, so it reports Degraded rather than Unhealthy.
/// </summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:F0} ms.");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded("Redis is not reachable: events and wake-ups between instances are paused.", ex);
        }
    }
}
