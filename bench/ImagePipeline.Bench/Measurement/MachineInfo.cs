using System.Globalization;
using System.Runtime.InteropServices;

namespace ImagePipeline.Bench.Measurement;

/// <summary>What the figures were measured on: cores, CPU model, memory, runtime.</summary>
public static class MachineInfo
{
    public static string Describe()
    {
        var cpu = ReadFirst("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memKb = ReadFirst("/proc/meminfo", "MemTotal")?.Split(' ')[0];
        var memory = long.TryParse(memKb, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb)
            ? $"{kb / 1024.0 / 1024.0:F1} GB".Replace(',', '.')
            : "unknown";
        return string.Join(Environment.NewLine,
            $"- nproc: {Environment.ProcessorCount}",
            $"- CPU: {cpu}",
            $"- memory: {memory}",
            $"- OS: {RuntimeInformation.OSDescription}",
            $"- runtime: .NET {Environment.Version}, {RuntimeInformation.ProcessArchitecture}",
            $"- date (UTC): {DateTime.UtcNow:yyyy-MM-dd HH:mm}",
#if DEBUG
            "- **Debug build: figures are not representative; run with `-c Release`.**",
#endif
            "- the machine is shared with other agents building and testing (2 cores for 4 sessions): "
                + "absolute figures are noisy; each comparison runs side by side, interleaved, in one process.");
    }

    /// <summary>The 1, 5 and 15 minute load averages (<c>/proc/loadavg</c>), e.g. "1.02 0.87 0.65".</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string? ReadFirst(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}
