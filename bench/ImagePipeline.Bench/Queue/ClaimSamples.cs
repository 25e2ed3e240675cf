using System.Diagnostics;
using System.Globalization;
using ImagePipeline.Bench.Measurement;
using ImagePipeline.Core.Jobs;

namespace ImagePipeline.Bench.Queue;

/// <summary>
/// The runner's claim timed <paramref name="samples"/> times after 10 warm-ups: find 4 candidates, then claim the first.
/// Besides the times it counts what load does not distort: the SQL commands EF ran per claim (its CommandExecuted
/// diagnostics; transactions' BEGIN/COMMIT and the connection-open pragmas are not commands) and the bench process's
/// garbage collections during the timed claims. The seeding's garbage is collected first, so it is not in the claims.
/// </summary>
public sealed class ClaimSamples
{
    private ClaimSamples(List<double> find, List<double> claim, List<double> total)
    {
        Find = find;
        Claim = claim;
        Total = total;
    }

    public List<double> Find { get; }

    public List<double> Claim { get; }

    public List<double> Total { get; }

    public double FindCommands { get; private set; }

    public double ClaimCommands { get; private set; }

    public int[] Collections { get; private set; } = [];

    public static async Task<ClaimSamples> RunAsync(JobStore store, int samples)
    {
        var lease = TimeSpan.FromMinutes(2);
        var result = new ClaimSamples([], [], []);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var commands = new CommandCounter();
        long findCommands = 0, claimCommands = 0;
        var gcBefore = new int[3];
        for (var i = -10; i < samples; i++)
        {
            if (i == 0)
            {
                gcBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
            }

            IReadOnlyList<JobCandidate> candidates = [];
            var before = commands.Count;
            var findMs = await Stopwatches.TimeAsync(async () => candidates = await store.FindCandidatesAsync(lease, 4, CancellationToken.None));
            var between = commands.Count;
            var claimMs = await Stopwatches.TimeAsync(() => store.TryClaimAsync(candidates[0], "bench-runner", lease, CancellationToken.None));
            if (i >= 0)
            {
                findCommands += between - before;
                claimCommands += commands.Count - between;
                result.Find.Add(findMs);
                result.Claim.Add(claimMs);
                result.Total.Add(findMs + claimMs);
            }
        }

        result.FindCommands = (double)findCommands / samples;
        result.ClaimCommands = (double)claimCommands / samples;
        result.Collections = [GC.CollectionCount(0) - gcBefore[0], GC.CollectionCount(1) - gcBefore[1], GC.CollectionCount(2) - gcBefore[2]];
        return result;
    }

    /// <summary>The lines under the table: p99, commands per call, GCs.</summary>
    public void Report(TextWriter report)
    {
        string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
        report.WriteLine($"- claim = find + TryClaim p99: {F(Stats.Quantile(Total, 0.99))} ms; TryClaim p99 {F(Stats.Quantile(Claim, 0.99))} ms; "
            + $"claims over 5 ms: {Total.Count(t => t > 5)} of {Total.Count}");
        report.WriteLine($"- SQL commands per call (EF): find {F(FindCommands)}, TryClaim {F(ClaimCommands)} (plus its BEGIN and COMMIT)");
        report.WriteLine($"- bench process GCs during the timed claims (gen 0 / 1 / 2): {Collections[0]} / {Collections[1]} / {Collections[2]}");
        report.WriteLine();
    }

    /// <summary>Counts EF Core's CommandExecuted diagnostics in this process while it lives.</summary>
    private sealed class CommandCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private const string Executed = "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuted";
        private readonly IDisposable _all;
        private readonly List<IDisposable> _subscriptions = [];
        private long _count;

        public CommandCounter() => _all = DiagnosticListener.AllListeners.Subscribe(this);

        public long Count => Interlocked.Read(ref _count);

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == "Microsoft.EntityFrameworkCore")
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(value.Subscribe(this, name => name == Executed));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == Executed)
            {
                Interlocked.Increment(ref _count);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            _all.Dispose();
            lock (_subscriptions)
            {
                _subscriptions.ForEach(s => s.Dispose());
            }
        }
    }
}
