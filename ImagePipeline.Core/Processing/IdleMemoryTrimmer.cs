using System.Runtime.InteropServices;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// Gives the memory of a finished batch back to the OS when the queue drains: ImageSharp's pooled buffers, then a compacting,
/// decommitting GC, then (Linux) glibc's free heap pages, which it otherwise keeps for the next allocation (about 40 MB after a
/// dozen 24 MP photos), then the clean pages of the loaded assemblies and libraries (<see cref="MappedFilePages"/>).
/// Measured after 20 × 24 MP from 4 clients (docs/benchmarks.md, "Idle memory"): the pool's release frees ~90 MB, the GC
/// ~25 MB, malloc_trim ~10–25 MB, the page-out ~30–38 MB of file pages, of which a few MB come back within 30 s of idling.
/// The next batch's first photo pays for it once (a fresh pool, code pages read back from the page cache).
/// </summary>
public static class IdleMemoryTrimmer
{
    public static void Trim()
    {
        ImageSharpConfiguration.Instance.MemoryAllocator.ReleaseRetainedResources();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = MallocTrim(0);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                // Not glibc (e.g. musl): nothing to trim this way.
            }

            // Last, so the GC and malloc_trim above have run the code they need: what is paged out stays out while idle.
            _ = MappedFilePages.PageOut();
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
