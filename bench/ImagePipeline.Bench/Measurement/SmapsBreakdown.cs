using System.Globalization;
using System.Text;

namespace ImagePipeline.Bench.Measurement;

/// <summary>
/// A process's resident set by mapping (<c>/proc/&lt;pid&gt;/smaps</c>), grouped into what each kind of mapping holds: the GC's
/// reserved range (the one anonymous reservation of ≥ 1 GB, regions), other anonymous memory (glibc arenas, the runtime's loader
/// heaps, thread stacks …), the <c>[heap]</c> (brk), the runtime's executable memory (<c>/memfd:doublemapper</c>), assemblies and
/// native libraries by file, SQLite's <c>-shm</c>. Rss and Pss, MB; Pss shares a page mapped by n processes as 1/n.
/// </summary>
public static class SmapsBreakdown
{
    public sealed record Group(string Name, double RssMb, double PssMb, int Mappings);

    public static IReadOnlyList<Group> Read(int processId, out IReadOnlyList<(string File, double RssMb)> topFiles)
    {
        var maps = new List<Mapping>();
        Mapping? current = null;
        foreach (var line in File.ReadLines($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/smaps"))
        {
            if (IsHeader(line, out var start, out var end, out var name))
            {
                current = new Mapping(start, end, name);
                maps.Add(current);
            }
            else if (current is not null)
            {
                if (line.StartsWith("Rss:", StringComparison.Ordinal))
                {
                    current.Rss = Kb(line);
                }
                else if (line.StartsWith("Pss:", StringComparison.Ordinal))
                {
                    current.Pss = Kb(line);
                }
            }
        }

        // Anonymous mappings next to each other form one reservation (the runtime and glibc commit parts of a reservation
        // with mprotect, which splits it): the GC's is the one of ≥ 1 GB, glibc's arenas are 64 MB, thread stacks 0.1–8 MB.
        var groups = new Dictionary<string, (long Rss, long Pss, int Count)>(StringComparer.Ordinal);
        var files = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < maps.Count; i++)
        {
            var m = maps[i];
            string key;
            if (m.Name.Length == 0)
            {
                var j = i;
                while (j + 1 < maps.Count && maps[j + 1].Name.Length == 0 && maps[j + 1].Start == maps[j].End)
                {
                    j++;
                }

                var size = maps[j].End - maps[i].Start;
                key = size >= 1UL << 30 ? "GC heap (reserved range)"
                    : size == 64UL << 20 || size == 128UL << 20 ? "glibc malloc arenas (64 MB)"
                    : j > i && size <= (8UL << 20) + 8192 && maps[i].End - maps[i].Start <= 65536 ? "thread stacks (guard + stack)"
                    : "other anonymous";
                for (var k = i; k <= j; k++)
                {
                    Add(groups, key, maps[k]);
                }

                i = j;
                continue;
            }

            key = Classify(m.Name);
            Add(groups, key, m);
            if (m.Name.StartsWith('/') && !m.Name.StartsWith("/memfd:", StringComparison.Ordinal))
            {
                files[m.Name] = files.GetValueOrDefault(m.Name) + m.Rss;
            }
        }

        topFiles = [.. files.OrderByDescending(f => f.Value).Take(15).Select(f => (Path.GetFileName(f.Key), f.Value / 1024.0))];
        return [.. groups.OrderByDescending(g => g.Value.Rss).Select(g => new Group(g.Key, g.Value.Rss / 1024.0, g.Value.Pss / 1024.0, g.Value.Count))];
    }

    private static void Add(Dictionary<string, (long Rss, long Pss, int Count)> groups, string key, Mapping m)
    {
        var g = groups.GetValueOrDefault(key);
        groups[key] = (g.Rss + m.Rss, g.Pss + m.Pss, g.Count + 1);
    }

    private sealed class Mapping(ulong start, ulong end, string name)
    {
        public ulong Start { get; } = start;

        public ulong End { get; } = end;

        public string Name { get; } = name;

        public long Rss { get; set; }

        public long Pss { get; set; }
    }

    /// <summary>One line: the groups over 1 MB, Rss (Pss where it differs), MB.</summary>
    public static string Describe(int processId)
    {
        var text = new StringBuilder();
        foreach (var g in Read(processId, out _).Where(g => g.RssMb >= 1))
        {
            text.Append(text.Length == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"{g.Name} {g.RssMb:F0}");
            if (g.RssMb - g.PssMb >= 1)
            {
                text.Append(CultureInfo.InvariantCulture, $" (pss {g.PssMb:F0})");
            }
        }

        return text.ToString();
    }

    private static string Classify(string name) => name switch
    {
        "[heap]" => "[heap] (brk)",
        "[stack]" => "main stack",
        _ when name.StartsWith("/memfd:doublemapper", StringComparison.Ordinal) => "runtime code (memfd:doublemapper)",
        _ when name.EndsWith("-shm", StringComparison.Ordinal) => "SQLite -shm",
        _ when name.EndsWith(".dll", StringComparison.Ordinal) && name.Contains("/shared/Microsoft.", StringComparison.Ordinal) => "framework assemblies",
        _ when name.EndsWith(".dll", StringComparison.Ordinal) => "app + package assemblies",
        _ when name.Contains(".so", StringComparison.Ordinal) && name.Contains("/shared/Microsoft.", StringComparison.Ordinal) => "runtime native libraries",
        _ when name.Contains(".so", StringComparison.Ordinal) => "other native libraries",
        _ when name.StartsWith('[') => name,
        _ => "other files",
    };

    private static bool IsHeader(string line, out ulong start, out ulong end, out string name)
    {
        start = 0;
        end = 0;
        name = "";
        // "start-end perms offset dev inode [path]"; attribute lines are "Key:   value kB".
        var dash = line.IndexOf('-');
        if (dash <= 0 || line.IndexOf(':') is var colon && colon > 0 && colon < dash)
        {
            return false;
        }

        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5)
        {
            return false;
        }

        var range = fields[0].Split('-');
        if (range.Length != 2
            || !ulong.TryParse(range[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out start)
            || !ulong.TryParse(range[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out end))
        {
            return false;
        }

        name = fields.Length == 6 ? fields[5].Trim() : "";
        return true;
    }

    private static long Kb(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
