using World.Backends;

namespace World.InMemory.Storage;

/// <summary>
/// The in-memory write primitives under the shared <see cref="EventWriter"/>. A run is created by publishing a complete
/// state with one atomic insert, so it is never visible without its <c>run_created</c> event; an append holds the
/// run's lock from open to commit.
/// </summary>
/// <remarks>
/// Every primitive completes synchronously, so the writer continues on the thread that took the run's lock and
/// releases it there (a <see cref="Lock"/> must be exited by the thread that entered it).
/// </remarks>
internal sealed class InMemoryEventStorage(InMemoryState state) : IEventStorage
{
    public ValueTask<bool> TryInsertRunAsync(EventPlan plan, CancellationToken cancellationToken) =>
        ValueTask.FromResult(state.TryAddRun(plan.RunId, RunState.Create(plan)));

    public ValueTask<IReadOnlyList<bool>> InsertRunsAsync(IReadOnlyList<EventPlan> plans, CancellationToken cancellationToken)
    {
        var created = new bool[plans.Count];
        for (var i = 0; i < plans.Count; i++)
        {
            created[i] = state.TryAddRun(plans[i].RunId, RunState.Create(plans[i]));
        }

        return ValueTask.FromResult<IReadOnlyList<bool>>(created);
    }

    public ValueTask<IRunWrite?> OpenRunAsync(PreparedEvent prepared, CancellationToken cancellationToken)
    {
        var run = state.FindRun(prepared.RunId);
        return ValueTask.FromResult<IRunWrite?>(run is null ? MissingRun.Instance : new RunWrite(state, run, prepared));
    }

    /// <summary>An open write of an existing run: holds <see cref="RunState.Gate"/> until disposed.</summary>
    private sealed class RunWrite : IRunWrite
    {
        private readonly InMemoryState _state;
        private readonly RunState _run;
        private bool _locked;

        public RunWrite(InMemoryState state, RunState run, PreparedEvent prepared)
        {
            _state = state;
            _run = run;
            run.Gate.Enter();
            _locked = true;
            var holder = prepared.Token is null ? null : state.Hooks.HolderOf(prepared.Token);
            Snapshot = run.Snapshot(prepared, holder);
        }

        public EventSnapshot Snapshot { get; }

        public ValueTask<RunCommit> CommitAsync(EventPlan plan, bool readLog, CancellationToken cancellationToken)
        {
            HookEntry? createdHook = null;
            if (plan.CreatedHook is { } hook)
            {
                createdHook = new HookEntry(hook, plan.Events[^1].EventId);
                if (!_state.Hooks.TryClaim(createdHook))
                {
                    return ValueTask.FromResult(RunCommit.LostRace);
                }
            }

            _run.Apply(plan, _state.Hooks, createdHook);
            // A copy: the run's list keeps growing under later writers.
            return ValueTask.FromResult(RunCommit.Done(readLog ? _run.Events.ToArray() : null));
        }

        public ValueTask DisposeAsync()
        {
            if (_locked)
            {
                _locked = false;
                _run.Gate.Exit();
            }

            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A run that does not exist: nothing to lock; the rules either create it or reject the event.</summary>
    private sealed class MissingRun : IRunWrite
    {
        public static readonly MissingRun Instance = new();

        public EventSnapshot Snapshot => EventSnapshot.Missing;

        public ValueTask<RunCommit> CommitAsync(EventPlan plan, bool readLog, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"The event rules accepted a write to missing workflow run '{plan.RunId}' without creating it.");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
