namespace ImagePipeline.Core.Jobs;

/// <summary>This runner's unique id, <c>host:pid:random</c>: the owner written into <c>LockedBy</c>.</summary>
public sealed class RunnerIdentity
{
    public string Id { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
}
