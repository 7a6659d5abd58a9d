using System.Diagnostics;

namespace World.Benchmarks.Load;

/// <summary>Collects operation latencies from many workers without contention (one list per worker) and summarizes them.</summary>
internal sealed class LatencyRecorder
{
    private readonly List<long>[] _perWorker;

    public LatencyRecorder(int workers)
    {
        _perWorker = Enumerable.Range(0, workers).Select(_ => new List<long>(1 << 16)).ToArray();
    }

    /// <summary>Records the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp) for a worker.</summary>
    public void Record(int worker, long startTimestamp) => _perWorker[worker].Add(Stopwatch.GetTimestamp() - startTimestamp);

    /// <summary>Records an elapsed duration in <see cref="Stopwatch"/> ticks.</summary>
    public void RecordTicks(int worker, long ticks) => _perWorker[worker].Add(ticks);

    public LatencySummary Summarize()
    {
        var all = _perWorker.SelectMany(static list => list).ToArray();
        Array.Sort(all);
        return all.Length == 0
            ? new LatencySummary(0, 0, 0, 0, 0)
            : new LatencySummary(all.Length, Milliseconds(Percentile(all, 0.50)), Milliseconds(Percentile(all, 0.95)), Milliseconds(Percentile(all, 0.99)), Milliseconds(all[^1]));
    }

    private static long Percentile(long[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static double Milliseconds(long ticks) => Math.Round(ticks * 1000.0 / Stopwatch.Frequency, 3);
}
