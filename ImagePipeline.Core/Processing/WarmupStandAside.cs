namespace ImagePipeline.Core.Processing;

/// <summary>
/// The intake says here that a real upload has arrived. The start-up warm-up (<see cref="CodecWarmup"/>) then runs on to its
/// end, since on the other core it compiles what that upload is about to need, but stands aside from the one part a real photo
/// does for itself: priming ImageSharp's pool with a 24 MP frame. Measured on the idle 2-core machine, photo 1 sent the
/// instant <c>/health</c> answered: 338 ms with the warm-up running on, 379 ms when it stopped where it was (docs/benchmarks.md,
/// "Cold start"; the same way in the run before, 453 against 509 ms).
/// </summary>
public sealed class WarmupStandAside
{
    private volatile bool _arrived;

    /// <summary>Whether a real upload has arrived since start.</summary>
    public bool UploadArrived => _arrived;

    /// <summary>A real upload has arrived (called at the start of every upload).</summary>
    public void RealUploadArrived() => _arrived = true;
}
