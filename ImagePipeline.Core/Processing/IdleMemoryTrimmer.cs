namespace ImagePipeline.Core.Processing;

/// <summary>Gives the memory of a finished batch back to the OS: ImageSharp's pooled buffers, then a compacting, decommitting GC.</summary>
public static class IdleMemoryTrimmer
{
    public static void Trim()
    {
        ImageSharpConfiguration.Instance.MemoryAllocator.ReleaseRetainedResources();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
