using System.Collections.Concurrent;

namespace World.Testing.Workflows;

/// <summary>
/// What the test workflows report to the test outside the log: how often each step body really ran, and gates a
/// test opens to hold a step in flight.
/// </summary>
public sealed class WorkflowProbe
{
    private readonly ConcurrentDictionary<string, int> _executions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);
    private int _sequence;

    /// <summary>Counts one execution of a step body, returning a process-wide sequence number.</summary>
    public int Executed(string key)
    {
        _executions.AddOrUpdate(key, 1, static (_, count) => count + 1);
        return Interlocked.Increment(ref _sequence);
    }

    /// <summary>How often the body with this key ran.</summary>
    public int Executions(string key) => _executions.GetValueOrDefault(key);

    /// <summary>Every executed key with its count.</summary>
    public IReadOnlyDictionary<string, int> AllExecutions => _executions;

    /// <summary>A named one-shot signal, created on first use by either side.</summary>
    public TaskCompletionSource Signal(string name) =>
        _signals.GetOrAdd(name, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>A switch a workflow reads to behave differently on a later replay (to provoke divergence).</summary>
    public bool Flipped { get; set; }
}
