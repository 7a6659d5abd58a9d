using System.Collections.Concurrent;
using System.Diagnostics;

namespace World.Benchmarks.Scenarios;

/// <summary>When each benchmark step body started and ended (Stopwatch timestamps), by run.</summary>
internal sealed class StepTimings
{
    private readonly ConcurrentDictionary<string, long[]> _marks = new(StringComparer.Ordinal);

    public void Started(string runId, int step) => Marks(runId)[step * 2] = Stopwatch.GetTimestamp();

    public void Ended(string runId, int step) => Marks(runId)[(step * 2) + 1] = Stopwatch.GetTimestamp();

    /// <summary>The marks of a finished run, removed: [start0, end0, start1, end1, start2, end2].</summary>
    public long[] Take(string runId) => _marks.TryRemove(runId, out var marks) ? marks : throw new InvalidOperationException($"No timings for {runId}.");

    private long[] Marks(string runId) => _marks.GetOrAdd(runId, static _ => new long[ThreeStepWorkflow.Steps * 2]);
}
