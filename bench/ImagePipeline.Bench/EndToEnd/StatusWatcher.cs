using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImagePipeline.Bench.EndToEnd;

/// <summary>
/// A SignalR client on <c>/hubs/progress</c> (<c>X-Api-Key</c>, <c>SubscribeToAll()</c>) that stamps every event on arrival
/// (<see cref="Stopwatch.GetTimestamp"/>), so an upload can wait for its <c>STORED</c> even when the event beats the POST's response.
/// </summary>
public sealed class StatusWatcher : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly ConcurrentDictionary<Guid, ConcurrentQueue<(string What, long At)>> _events = new();
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<long>> _done = new();

    private StatusWatcher(HubConnection connection) => _connection = connection;

    public static async Task<StatusWatcher> ConnectAsync(Uri baseAddress, string apiKey)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "/hubs/progress"), options => options.Headers["X-Api-Key"] = apiKey)
            .Build();
        var watcher = new StatusWatcher(connection);
        connection.On<JsonElement>("ImageStatusChanged", watcher.OnImage);
        connection.On<JsonElement>("JobStatusChanged", watcher.OnJob);
        await connection.StartAsync();
        await connection.InvokeAsync("SubscribeToAll");
        return watcher;
    }

    /// <summary>The timestamp at which <paramref name="imageId"/>'s <c>STORED</c> arrived; throws on <c>FAILED</c> or after <paramref name="timeout"/>.</summary>
    public Task<long> StoredAsync(Guid imageId, TimeSpan timeout) =>
        Completion(imageId).Task.WaitAsync(timeout);

    /// <summary>When <paramref name="imageId"/>'s event <paramref name="what"/> (<c>IMAGE:STORED</c>, <c>PREVIEW:PROCESSING</c>, ...) first arrived, if it did.</summary>
    public long? FirstAt(Guid imageId, string what) =>
        _events.TryGetValue(imageId, out var list) && list.FirstOrDefault(e => e.What == what) is { What: not null } hit ? hit.At : null;

    private TaskCompletionSource<long> Completion(Guid imageId) =>
        _done.GetOrAdd(imageId, _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

    private void OnImage(JsonElement change)
    {
        var at = Stopwatch.GetTimestamp();
        var imageId = change.GetProperty("imageId").GetGuid();
        var status = change.GetProperty("status").GetString();
        Record(imageId, "IMAGE:" + status, at);
        if (status == "STORED")
        {
            Completion(imageId).TrySetResult(at);
        }
        else if (status == "FAILED")
        {
            Completion(imageId).TrySetException(new InvalidOperationException($"Image {imageId} FAILED."));
        }
    }

    private void OnJob(JsonElement change)
    {
        var at = Stopwatch.GetTimestamp();
        if (change.GetProperty("imageId") is { ValueKind: JsonValueKind.String } id)
        {
            Record(id.GetGuid(), change.GetProperty("type").GetString() + ":" + change.GetProperty("status").GetString(), at);
        }
    }

    private void Record(Guid imageId, string what, long at) =>
        _events.GetOrAdd(imageId, _ => new ConcurrentQueue<(string, long)>()).Enqueue((what, at));

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
