using System.Collections.Concurrent;
using World.Backends;

namespace World.InMemory.Storage;

/// <summary>The shared state of one in-memory World: runs, the run-id index and the hook index.</summary>
internal sealed class InMemoryState(EventRules rules, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, RunState> _runs = new(StringComparer.Ordinal);

    // Writers never take a global lock: new run ids go to a lock-free queue that listings drain into the sorted index.
    private readonly ConcurrentQueue<string> _unindexedRunIds = new();
    private readonly SortedSet<string> _runIndex = new(StringComparer.Ordinal);
    private readonly Lock _runIndexGate = new();
    private volatile bool _disposed;

    public EventRules Rules { get; } = rules;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public HookIndex Hooks { get; } = new();

    public void Dispose() => _disposed = true;

    public void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, typeof(InMemoryWorld));

    public RunState? FindRun(string runId) => _runs.GetValueOrDefault(runId);

    public RunState RequireRun(string runId) => FindRun(runId) ?? throw new RunNotFoundException(runId);

    /// <summary>Publishes a fully built run state; false when another writer created the run first.</summary>
    public bool TryAddRun(string runId, RunState state)
    {
        if (!_runs.TryAdd(runId, state))
        {
            return false;
        }

        _unindexedRunIds.Enqueue(runId);
        return true;
    }

    /// <summary>Run ids after <paramref name="cursor"/> in the given order, drawn from a consistent view of the index.</summary>
    public IReadOnlyList<string> RunIdsAfter(string? cursor, SortOrder order, Func<string, bool> include, int take)
    {
        lock (_runIndexGate)
        {
            while (_unindexedRunIds.TryDequeue(out var runId))
            {
                _runIndex.Add(runId);
            }

            if (_runIndex.Count == 0)
            {
                return [];
            }

            IEnumerable<string> view = (cursor, order) switch
            {
                (null, SortOrder.Ascending) => _runIndex,
                (null, _) => _runIndex.Reverse(),
                (_, SortOrder.Ascending) => string.CompareOrdinal(cursor, _runIndex.Max) >= 0 ? [] : _runIndex.GetViewBetween(cursor, _runIndex.Max!).SkipWhile(id => id == cursor),
                _ => string.CompareOrdinal(cursor, _runIndex.Min) <= 0 ? [] : _runIndex.GetViewBetween(_runIndex.Min!, cursor).Reverse().SkipWhile(id => id == cursor),
            };
            return view.Where(include).Take(take).ToList();
        }
    }
}
