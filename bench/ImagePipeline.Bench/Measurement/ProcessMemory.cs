using System.Globalization;
using System.Runtime.InteropServices;

namespace ImagePipeline.Bench.Measurement;

/// <summary>Resident memory of this process and its finished children, from /proc and getrusage (Linux).</summary>
public static partial class ProcessMemory
{
    /// <summary>Peak resident set size of this process (VmHWM) in MB.</summary>
    public static double PeakResidentMegabytes() => ReadStatusKilobytes("VmHWM:") / 1024.0;

    /// <summary>Current resident set size of this process (VmRSS) in MB.</summary>
    public static double ResidentMegabytes() => ReadStatusKilobytes("VmRSS:") / 1024.0;

    /// <summary>The largest peak resident set size among the waited-for child processes, in MB.</summary>
    public static double ChildrenPeakResidentMegabytes()
    {
        var usage = new RUsage();
        return GetRUsage(-1 /* RUSAGE_CHILDREN */, ref usage) == 0 ? usage.MaxRss / 1024.0 : double.NaN;
    }

    private static long ReadStatusKilobytes(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                var value = line[key.Length..].Trim().Split(' ')[0];
                return long.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRUsage(int who, ref RUsage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxRss;
        public long IxRss;
        public long IdRss;
        public long IsRss;
        public long MinFlt;
        public long MajFlt;
        public long NSwap;
        public long InBlock;
        public long OuBlock;
        public long MsgSnd;
        public long MsgRcv;
        public long NSignals;
        public long NVCsw;
        public long NIvCsw;
    }
}
