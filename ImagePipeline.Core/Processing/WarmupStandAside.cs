namespace ImagePipeline.Core.Processing;

/// <summary>
/// Real work comes first: the intake says here that a real upload has arrived, and the start-up warm-up
/// (<see cref="CodecWarmup"/>, <see cref="UploadRehearsal"/>) stops where it is, cleans up its throw-away data directory and
/// does not start again. On two cores the warm-up's ~1 s of CPU otherwise competed with a photo sent the moment
/// <c>/health</c> answered, and made it slower than no warm-up at all (docs/benchmarks.md, "Cold start"); the photo compiles
/// what it needs itself, and the photos after it find it compiled.
/// </summary>
public sealed class WarmupStandAside : IDisposable
{
    private readonly CancellationTokenSource _arrived = new();

    /// <summary>Cancelled once a real upload has arrived.</summary>
    public CancellationToken Token => _arrived.Token;

    /// <summary>Whether a real upload has arrived since start.</summary>
    public bool UploadArrived => _arrived.IsCancellationRequested;

    /// <summary>A real upload has arrived (called at the start of every upload; only the first one does anything).</summary>
    public void RealUploadArrived()
    {
        if (_arrived.IsCancellationRequested)
        {
            return;
        }

        try
        {
            _arrived.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The host is shutting down.
        }
    }

    public void Dispose() => _arrived.Dispose();
}
