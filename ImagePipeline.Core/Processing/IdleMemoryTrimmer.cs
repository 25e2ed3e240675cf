using System.Buffers;
using System.Runtime.InteropServices;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// Gives the memory of a finished batch back to the OS when the queue drains: ImageSharp's pooled buffers and the arrays
/// <see cref="ArrayPool{T}.Shared"/> keeps (<see cref="ReleaseSharedArrayPool"/>), then a compacting, decommitting GC, then
/// (Linux) glibc's free heap pages, which it otherwise keeps for the next allocation (about 40 MB after a dozen 24 MP photos),
/// then the clean pages of the loaded assemblies and libraries (<see cref="MappedFilePages"/>).
/// Measured after 20 × 24 MP from 4 clients (docs/benchmarks.md, "Idle memory"): the pool's release frees ~90 MB, the GC
/// ~25 MB, malloc_trim ~10–25 MB, the page-out ~30–38 MB of file pages, of which a few MB come back within 30 s of idling.
/// The next batch's first photo pays for it once (a fresh pool, code pages read back from the page cache).
/// </summary>
public static class IdleMemoryTrimmer
{
    /// <summary>The smallest and largest array sizes taken out of <see cref="ArrayPool{T}.Shared"/>: smaller ones are a few kB
    /// each in all; ImageSharp rents its buffers under 1 MB there, and ASP.NET Core its request buffers.</summary>
    private const int SmallestReleasedArray = 16 * 1024;
    private const int LargestReleasedArray = 4 * 1024 * 1024;

    public static void Trim()
    {
        ImageSharpConfiguration.Instance.MemoryAllocator.ReleaseRetainedResources();
        _ = ReleaseSharedArrayPoolOnPoolThreads();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

        // After a full GC the shared array pool drops the arrays other threads have cached for ≥ 30 s (its own trim, run by the
        // finalizer thread); they are garbage only from then on, so collect once more (~10–15 MB after a batch, measured).
        GC.WaitForPendingFinalizers();
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

    /// <summary>
    /// Takes the byte arrays of 16 kB–4 MB that <see cref="ArrayPool{T}.Shared"/> keeps out of it, so the next GC frees them;
    /// returns how many. The shared pool keeps up to 32 arrays per size and core and, while memory is plentiful, lets go of one
    /// per size and core a minute at a full GC at most: after 200 × 24 MP it held ~25 MB of 256 kB–1 MB arrays (ImageSharp's
    /// row and block buffers) in the large object heap for good (docs/benchmarks.md, "Idle memory after a batch"). It has no
    /// trim of its own to call; renting takes its arrays (this thread's cached one, then every core's), and a rent that had to
    /// allocate (the pool has none of that size left) shows in this thread's allocated bytes and ends that size. Other
    /// threads' one cached array per size stays.
    /// </summary>
    public static int ReleaseSharedArrayPool() => ReleaseSharedArrayPool(LargestReleasedArray);

    /// <summary>
    /// Runs <see cref="ReleaseSharedArrayPool()"/> on this thread and on each other thread-pool thread: besides the per-core
    /// stacks any thread can empty, every thread keeps one array per size in a slot of its own that only it can take, and the
    /// pool drops those only at a full GC at least 30 s after one first noted them. After a batch of 24 MP photos the jobs'
    /// and uploads' threads held 12 MB of 128 kB–1 MB arrays (ImageSharp's row buffers under 1 MB, stream copy buffers) in the
    /// large object heap past the trim (dotnet-counters, docs/benchmarks.md "Idle memory"). One work item per other pool thread,
    /// each held at a gate until all have started (at most <see cref="PoolThreadGate"/>) so that no thread takes two; the trim
    /// runs only when the app is idle. Returns how many arrays were taken.
    /// </summary>
    private static int ReleaseSharedArrayPoolOnPoolThreads()
    {
        var released = ReleaseSharedArrayPool();
        var others = ThreadPool.ThreadCount - (Thread.CurrentThread.IsThreadPoolThread ? 1 : 0);
        if (others <= 0)
        {
            return released;
        }

        using var started = new CountdownEvent(others);
        var items = new Task<int>[others];
        for (var i = 0; i < others; i++)
        {
            // PreferFairness: the global queue, so a wait below cannot run the item inline on this thread.
            items[i] = Task.Factory.StartNew(() =>
            {
                started.Signal();
                _ = started.Wait(PoolThreadGate);
                return ReleaseSharedArrayPool(PoolThreadLargestArray);
            }, CancellationToken.None, TaskCreationOptions.PreferFairness, TaskScheduler.Default);
        }

        Task.WaitAll(items);
        return released + items.Sum(t => t.Result);
    }

    /// <summary>How long a pool thread's work item waits for the others to start (a busy thread joins late, on its own).</summary>
    private static readonly TimeSpan PoolThreadGate = TimeSpan.FromMilliseconds(100);

    /// <summary>The largest size taken on the other pool threads: ImageSharp rents up to 1 MB from the shared pool; larger sizes
    /// sit in the per-core stacks this thread empties, and each size a thread finds empty costs one fresh array.</summary>
    private const int PoolThreadLargestArray = 1024 * 1024;

    private static int ReleaseSharedArrayPool(int largest)
    {
        var released = 0;
        for (var size = SmallestReleasedArray; size <= largest; size *= 2)
        {
            // Bounded: a pool holds at most 32 arrays per size and core (and 1 per thread).
            for (var i = 0; i < 64 * Environment.ProcessorCount + 64; i++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var array = ArrayPool<byte>.Shared.Rent(size);
                if (GC.GetAllocatedBytesForCurrentThread() - before >= size / 2)
                {
                    break;
                }

                GC.KeepAlive(array);
                released++;
            }
        }

        return released;
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
