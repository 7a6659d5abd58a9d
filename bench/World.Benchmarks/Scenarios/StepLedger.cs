using System.Collections.Concurrent;
using System.Diagnostics;

namespace World.Benchmarks.Scenarios;

/// <summary>
/// Counts what <see cref="SoakWorkflow"/> step bodies did. Counting only, by default: a soak must not measure the
/// growth of its own bookkeeping. The outage scenario turns on per-step tracking to count repeated executions.
/// </summary>
internal sealed class StepLedger
{
    private readonly ConcurrentDictionary<string, int> _executions = new(StringComparer.Ordinal);
    private long _steps;
    private long _runs;
    private long _extra;

    /// <summary>Whether each (run, step) is remembered, so that a second execution of a step is counted as extra.</summary>
    public bool TrackExecutions { get; set; }

    public long Steps => Interlocked.Read(ref _steps);

    /// <summary>Runs whose last step body finished (the run completes right after, with its next commit).</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Executions of a step beyond its first (tracked mode only).</summary>
    public long ExtraExecutions => Interlocked.Read(ref _extra);

    /// <summary>The Stopwatch timestamp of the latest step body start, to see whether work is flowing.</summary>
    public long LastStepAt { get; private set; }

    public void StepRan(string runId, int step, bool last)
    {
        Interlocked.Increment(ref _steps);
        LastStepAt = Stopwatch.GetTimestamp();
        if (TrackExecutions && _executions.AddOrUpdate($"{runId}/{step}", 1, static (_, count) => count + 1) > 1)
        {
            Interlocked.Increment(ref _extra);
        }

        if (last)
        {
            Interlocked.Increment(ref _runs);
        }
    }

    /// <summary>Forgets tracked executions (between phases), keeping the counters.</summary>
    public void ForgetExecutions() => _executions.Clear();
}
