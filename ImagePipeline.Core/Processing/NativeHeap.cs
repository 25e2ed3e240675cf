using System.Runtime.InteropServices;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// glibc's allocator, set once per process: blocks of <see cref="MmapThreshold"/> or more are always mapped on their own and
/// handed back to the OS when freed. By default glibc raises that threshold to the size of each large block freed (up to
/// 32 MB), after which the decoded pixels libvips hands over (an 18 MB buffer per 24 MP photo) come from its arenas and stay
/// resident there, one arena per thread that decoded: during a batch of 200 × 24 MP photos peak RSS went from 368 to 595 MB
/// and the idle RSS after it from 164 to 336 MB, at the same throughput (docs/benchmarks.md, "Idle memory after a batch").
/// Elsewhere than glibc (musl, other OSes) nothing happens.
/// </summary>
public static class NativeHeap
{
    /// <summary>1 MiB: ImageSharp's own large buffers are managed; what is this big natively is image data.</summary>
    public const int MmapThreshold = 1 << 20;

    /// <summary>glibc's <c>M_MMAP_THRESHOLD</c> parameter number.</summary>
    private const int MmapThresholdParameter = -3;

    private static readonly Lazy<bool> Applied = new(Apply, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Whether the threshold is set (glibc on Linux); sets it on the first call.</summary>
    public static bool Configure() => Applied.Value;

    private static bool Apply()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return MallOpt(MmapThresholdParameter, MmapThreshold) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);
}
