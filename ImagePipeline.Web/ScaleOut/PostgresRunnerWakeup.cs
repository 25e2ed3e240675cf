using ImagePipeline.Core.Configuration;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ImagePipeline.Web.ScaleOut;

/// <summary>Without Redis, on PostgreSQL: wakes this instance's runner and, through <c>NOTIFY</c>, every other instance's.</summary>
public sealed class PostgresRunnerWakeup(IRunnerWakeup inner, PostgresWakeupListener listener) : IRunnerWakeup
{
    public IRunnerWakeup Inner => inner;

    public void Wake()
    {
        inner.Wake();
        listener.Announce();
    }
}

/// <summary>
/// <c>LISTEN</c>s on the wake-up channel on one dedicated connection (reconnecting after a failure) and rings the local
/// runner on every other instance's <c>NOTIFY</c>; the payload is the announcing instance's runner id.
/// </summary>
public sealed partial class PostgresWakeupListener(
    IOptions<PipelineOptions> options,
    RunnerIdentity instance,
    IServiceProvider services,
    ILogger<PostgresWakeupListener> logger) : BackgroundService
{
    public const string Channel = "imagepipeline_wake";

    private string ConnectionString => PipelineDatabase.ConnectionString(options.Value);

    public void Announce() => _ = AnnounceAsync();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, KeepAlive = 30 }.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (e.Payload != instance.Id)
                    {
                        LocalWakeup().Wake();
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                LogListenFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task AnnounceAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @origin)", connection);
            notify.Parameters.AddWithValue("channel", Channel);
            notify.Parameters.AddWithValue("origin", instance.Id);
            await notify.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            LogAnnounceFailed(logger, ex);
        }
    }

    private IRunnerWakeup LocalWakeup()
    {
        var wakeup = services.GetRequiredService<IRunnerWakeup>();
        return wakeup is PostgresRunnerWakeup decorated ? decorated.Inner : wakeup;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for wake-ups on PostgreSQL failed; retrying in 5 s (the poll interval still picks work up)")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce a wake-up through PostgreSQL NOTIFY; other instances pick the work up at their next poll")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception);
}
