using System.Buffers;
using System.Globalization;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using ImagePipeline.Core.Processing;

namespace ImagePipeline.Tests.Processing;

/// <summary>
/// The trim after a drain hands the arrays <see cref="ArrayPool{T}.Shared"/> keeps to the GC, and clean file pages back to the
/// kernel: those of private file mappings and of read-only shared ones, never of writable shared ones.
/// </summary>
public sealed class IdleMemoryTrimmerTests
{
    [Fact]
    public void Selects_readable_private_and_read_only_shared_mappings_of_files_by_path()
    {
        string[] maps =
        [
            "7f0000000000-7f0000400000 r--p 00000000 fd:00 1234 /app/SixLabors.ImageSharp.dll",
            "7f0000400000-7f0000500000 r-xp 00400000 fd:00 1234 /app/SixLabors.ImageSharp.dll",
            "7f0000500000-7f0000501000 rw-p 00500000 fd:00 1234 /usr/lib/x86_64-linux-gnu/libc.so.6",
            "7f0000600000-7f0000700000 r-xs 00000000 00:01 77 /memfd:doublemapper (deleted)",
            "7f0000700000-7f0000800000 r-xp 00000000 00:01 78 /memfd:doublemapper (deleted)",
            "7f0000800000-7f0000900000 r--p 00000000 fd:00 99 /data/old.dll (deleted)",
            "7f0000900000-7f0000a00000 rw-s 00000000 fd:00 55 /data/pipeline.db-shm",
            "7f0000a00000-7f0000b00000 rw-p 00000000 00:00 0 ",
            "7f0000b00000-7f0000c00000 ---p 00000000 fd:00 1234 /app/SixLabors.ImageSharp.dll",
            "55d000000000-55d000100000 rw-p 00000000 00:00 0 [heap]",
            "7f0000c00000-7f0000d00000 r--p 00000000 00:05 12 /dev/zero",
            "7f0000d00000-7f0000e00000 r--p 00000000 fd:00 4321 /app/folder with spaces/My.dll",
            "7f0000e00000-7f0000f00000 r--s 00000000 fd:00 350926 /usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.12/System.Private.Xml.dll",
            "7f0000f00000-7f0001000000 rw-s 00000000 fd:00 56 /data/other.bin",
            "7f0001000000-7f0001100000 r-xs 00000000 00:01 79 /memfd:doublemapper",
        ];

        var selected = MappedFilePages.Select(maps).ToList();

        Assert.Equal(
        [
            (0x7f0000000000UL, 0x400000UL),
            (0x7f0000400000UL, 0x100000UL),
            (0x7f0000500000UL, 0x1000UL),
            (0x7f0000d00000UL, 0x100000UL),
            (0x7f0000e00000UL, 0x100000UL),
        ], selected);
    }

    [Fact]
    public void Trim_takes_the_arrays_the_shared_array_pool_keeps()
    {
        // What ImageSharp does with a row buffer under 1 MB: rent it from the shared pool and give it back.
        var rented = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        ArrayPool<byte>.Shared.Return(rented);

        IdleMemoryTrimmer.Trim();

        // Without the trim the pool hands this thread's cached array out again.
        var again = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        Assert.False(ReferenceEquals(rented, again), "the shared pool still held the array after the trim");
        ArrayPool<byte>.Shared.Return(again);
    }

    [Fact]
    public void Trim_collects_the_arrays_the_shared_array_pool_lets_go_of_at_its_gc()
    {
        // Another thread's cached array: the shared pool lets go of it at a full GC once it has held it for 30 s (its trim runs
        // on the finalizer thread after the GC), which the trim's own GC has then already passed.
        using var returned = new ManualResetEventSlim();
        using var done = new ManualResetEventSlim();
        WeakReference? cached = null;
        var worker = new Thread(() =>
        {
            cached = RentAndReturn(1024 * 1024);
            returned.Set();
            done.Wait();
        });
        worker.Start();
        returned.Wait();
        GC.Collect();
        GC.WaitForPendingFinalizers(); // the pool's trim notes when it first saw the array
        Thread.Sleep(TimeSpan.FromSeconds(31));

        IdleMemoryTrimmer.Trim();

        Assert.False(cached!.IsAlive, "the array the shared pool let go of was still on the heap after the trim");
        done.Set();
        worker.Join();
    }

    [Fact]
    public async Task Trim_takes_the_array_another_pool_thread_keeps_at_once()
    {
        // A job's or an upload's thread-pool thread returns a buffer: it stays in that thread's own slot of the shared pool,
        // which no other thread can take and the pool itself drops only at a full GC 30 s after first noting it. Other tests
        // may run on that thread meanwhile and rent the array themselves, so up to three tries; without the sweep of the pool
        // threads none of them frees it.
        for (var attempt = 1; ; attempt++)
        {
            var cached = await Task.Run(() => RentAndReturn(64 * 1024));

            // From a thread of its own, so that only the sweep can reach the pool thread's slot.
            var trim = new Thread(IdleMemoryTrimmer.Trim);
            trim.Start();
            trim.Join();

            if (!cached.IsAlive)
            {
                return;
            }

            Assert.True(attempt < 3, "another pool thread's cached array was still on the heap after the trim");
        }
    }

    [Fact]
    public void Releasing_the_shared_array_pool_counts_what_it_took_and_stops_when_it_is_empty()
    {
        var arrays = Enumerable.Range(0, 3).Select(_ => ArrayPool<byte>.Shared.Rent(256 * 1024)).ToList();
        arrays.ForEach(a => ArrayPool<byte>.Shared.Return(a));

        Assert.True(IdleMemoryTrimmer.ReleaseSharedArrayPool() >= 3);
        Assert.Equal(0, IdleMemoryTrimmer.ReleaseSharedArrayPool());
    }

    [Fact]
    public void Trim_pages_out_the_clean_pages_of_a_read_only_shared_file_mapping()
    {
        // How the runtime maps an assembly's whole file: shared, read-only.
        PagesOut(MemoryMappedFileAccess.Read);
    }

    [Fact]
    public void Trim_pages_out_the_clean_pages_of_a_private_file_mapping()
    {
        // Copy-on-write is a private mapping, like the runtime's mappings of assemblies' ReadyToRun code.
        PagesOut(MemoryMappedFileAccess.CopyOnWrite);
    }

    private static void PagesOut(MemoryMappedFileAccess access)
    {
        // A file on disk (the test's own output folder, not a tmpfs), written and flushed so its pages are clean.
        var directory = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "idle-trim-" + Guid.NewGuid().ToString("N")));
        try
        {
            const int size = 16 * 1024 * 1024;
            var path = Path.Combine(directory.FullName, "mapped.bin");
            using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            {
                var bytes = new byte[size];
                new Random(15).NextBytes(bytes);
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }

            // Reading every page makes it resident.
            using var mapped = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, access);
            using var view = mapped.CreateViewAccessor(0, size, access);
            var sum = 0;
            for (var offset = 0; offset < size; offset += 4096)
            {
                sum += view.ReadByte(offset);
            }

            var address = (ulong)view.SafeMemoryMappedViewHandle.DangerousGetHandle() + (ulong)view.PointerOffset;
            var before = ResidentKilobytes(address);
            Assert.True(before >= 12 * 1024, $"the mapping should be resident after reading it: {before} kB (sum {sum})");

            IdleMemoryTrimmer.Trim();

            var after = ResidentKilobytes(address);
            Assert.True(after <= before / 4, $"resident before the trim {before} kB, after {after} kB");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Rents an array from the shared pool and gives it back (this thread caches it); no reference stays here.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference RentAndReturn(int size)
    {
        var array = ArrayPool<byte>.Shared.Rent(size);
        ArrayPool<byte>.Shared.Return(array);
        return new WeakReference(array);
    }

    /// <summary>The Rss of the mapping holding <paramref name="address"/>, from /proc/self/smaps.</summary>
    private static long ResidentKilobytes(ulong address)
    {
        var inMapping = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-');
            var space = line.IndexOf(' ');
            if (dash > 0 && space > dash && ulong.TryParse(line.AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start)
                && ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var end))
            {
                inMapping = start <= address && address < end;
            }
            else if (inMapping && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                return long.Parse(line["Rss:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"No mapping holds {address:x}.");
    }
}
