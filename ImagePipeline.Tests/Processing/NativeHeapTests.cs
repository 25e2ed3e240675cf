using System.Runtime.InteropServices;
using ImagePipeline.Core.Processing;

namespace ImagePipeline.Tests.Processing;

/// <summary>
/// Large native blocks (libvips' decoded pixels) go back to the OS when freed, even after glibc has seen a block that size
/// freed before (which by default raises its mmap threshold, so the next one would stay resident in an arena).
/// </summary>
public sealed class NativeHeapTests
{
    private const int Block = 24 << 20; // under glibc's 32 MB cap for its dynamic threshold

    [Fact]
    public void A_large_native_block_freed_for_the_second_time_leaves_the_resident_set()
    {
        Assert.True(NativeHeap.Configure());

        // First the one that would teach glibc's dynamic threshold the block's size...
        Touch(Block, free: true);

        // ... then the same size again, like the next photo's pixels.
        var held = Touch(Block, free: false);
        var whileHeld = RssAnonMegabytes();
        Marshal.FreeHGlobal(held);

        var afterFree = RssAnonMegabytes();
        Assert.True(whileHeld - afterFree >= 20, $"anonymous RSS {whileHeld} MB with the block, {afterFree} MB after freeing it");
    }

    /// <summary>A malloc'd block with every page written (so resident), freed again or returned.</summary>
    private static nint Touch(int size, bool free)
    {
        var block = Marshal.AllocHGlobal(size);
        for (var offset = 0; offset < size; offset += 4096)
        {
            Marshal.WriteByte(block, offset, 1);
        }

        if (free)
        {
            Marshal.FreeHGlobal(block);
            return 0;
        }

        return block;
    }

    private static long RssAnonMegabytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("RssAnon:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }
}
