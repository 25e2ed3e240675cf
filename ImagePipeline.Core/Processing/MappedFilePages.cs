using System.Globalization;
using System.Runtime.InteropServices;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// Hands the clean pages of this process's file mappings (the assemblies, ReadyToRun code and native libraries it has loaded)
/// back to the kernel with <c>madvise(MADV_PAGEOUT)</c> (Linux 5.4+): private mappings, and shared ones that cannot be written
/// (the runtime maps each assembly's whole file read-only and shared, for its metadata and IL: ~37 MB resident after a batch,
/// docs/benchmarks.md "Idle memory after a batch"). They are copies of files on disk, counted in the resident set size; a page
/// needed again is read back from the page cache or the file. Nothing else is touched: anonymous memory (nothing to page out
/// to without swap), the runtime's executable memory in <c>/memfd:doublemapper</c> (shared memory: paging it out only unmaps
/// it, the memory stays used) and writable shared mappings (SQLite's <c>-shm</c>, whose pages may be dirty). Pages another
/// process also maps (e.g. the .NET framework's assemblies with a second .NET process running) stay resident, and so do those
/// of files the process may not write, unless it owns them or is root (Linux pages out a file's pages only for those).
/// </summary>
public static class MappedFilePages
{
    private const int MadvPageOut = 21;
    private const int EInval = 22;
    private static volatile bool s_unsupported;

    /// <summary>Pages out the clean pages of the file mappings <see cref="Select"/> picks; returns how many mappings were advised.</summary>
    public static int PageOut()
    {
        if (!OperatingSystem.IsLinux() || s_unsupported)
        {
            return 0;
        }

        var advised = 0;
        try
        {
            foreach (var (start, length) in Select(File.ReadLines("/proc/self/maps")))
            {
                if (Madvise((nint)start, (nuint)length, MadvPageOut) == 0)
                {
                    advised++;
                }
                else if (Marshal.GetLastPInvokeError() == EInval)
                {
                    // A kernel before 5.4 (no MADV_PAGEOUT): not worth trying again.
                    s_unsupported = true;
                    break;
                }

                // Any other failure (ENOMEM: the mapping went away since maps was read) only skips that mapping.
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            s_unsupported = true;
        }

        return advised;
    }

    /// <summary>
    /// The ranges of <c>/proc/self/maps</c> lines that are readable mappings of a file by path (not a memfd, not a deleted file,
    /// nothing under /dev), private or else not writable.
    /// </summary>
    public static IEnumerable<(ulong Start, ulong Length)> Select(IEnumerable<string> mapsLines)
    {
        foreach (var line in mapsLines)
        {
            // address perms offset dev inode path — the path may hold spaces, so split it off last.
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            // perms "rwxp": readable; private (copy-on-write), or shared but not writable (its pages cannot be dirty).
            if (fields.Length < 6 || fields[1].Length < 4 || fields[1][0] != 'r' || (fields[1][3] != 'p' && fields[1][1] == 'w') || fields[4] == "0")
            {
                continue;
            }

            var path = fields[5].Trim();
            if (!path.StartsWith('/') || path.StartsWith("/memfd:", StringComparison.Ordinal) || path.StartsWith("/dev/", StringComparison.Ordinal)
                || path.EndsWith(" (deleted)", StringComparison.Ordinal))
            {
                continue;
            }

            var dash = fields[0].IndexOf('-');
            if (dash <= 0
                || !ulong.TryParse(fields[0].AsSpan(0, dash), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var start)
                || !ulong.TryParse(fields[0].AsSpan(dash + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var end)
                || end <= start)
            {
                continue;
            }

            yield return (start, end - start);
        }
    }

    [DllImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static extern int Madvise(nint address, nuint length, int advice);
}
