using World.Backends;

namespace World.Naive.Tests;

/// <summary>The naive World's write primitives: the one lock is the run lock, and dictionary checks are the unique indexes.</summary>
internal sealed class NaiveEventStorage(NaiveState state) : IEventStorage
{
    public ValueTask<bool> TryInsertRunAsync(EventPlan plan, CancellationToken cancellationToken)
    {
        lock (state.Gate)
        {
            return ValueTask.FromResult(TryInsertLocked(plan));
        }
    }

    public ValueTask<IReadOnlyList<bool>> InsertRunsAsync(IReadOnlyList<EventPlan> plans, CancellationToken cancellationToken)
    {
        lock (state.Gate)
        {
            return ValueTask.FromResult<IReadOnlyList<bool>>(plans.Select(TryInsertLocked).ToArray());
        }
    }

    // Every primitive completes synchronously, so the writer exits the lock on the thread that entered it.
    public ValueTask<IRunWrite?> OpenRunAsync(PreparedEvent prepared, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IRunWrite?>(new RunWrite(state, prepared));

    private bool TryInsertLocked(EventPlan plan)
    {
        if (state.Runs.ContainsKey(plan.RunId))
        {
            return false;
        }

        state.Apply(plan);
        return true;
    }

    private sealed class RunWrite : IRunWrite
    {
        private readonly NaiveState _state;
        private bool _locked;

        public RunWrite(NaiveState state, PreparedEvent prepared)
        {
            _state = state;
            state.Gate.Enter();
            _locked = true;
            Snapshot = Load(prepared);
        }

        public EventSnapshot Snapshot { get; }

        public ValueTask<RunCommit> CommitAsync(EventPlan plan, bool readLog, CancellationToken cancellationToken)
        {
            if (plan.CreatedHook is { } hook && _state.TokenHolder(hook.Token) is not null)
            {
                return ValueTask.FromResult(RunCommit.LostRace); // The unique-token guard.
            }

            _state.Apply(plan);
            return ValueTask.FromResult(RunCommit.Done(readLog ? _state.Logs[plan.RunId].ToArray() : null));
        }

        public ValueTask DisposeAsync()
        {
            if (_locked)
            {
                _locked = false;
                _state.Gate.Exit();
            }

            return ValueTask.CompletedTask;
        }

        private EventSnapshot Load(PreparedEvent prepared)
        {
            var runId = prepared.RunId;
            if (!_state.Runs.TryGetValue(runId, out var run))
            {
                return EventSnapshot.Missing;
            }

            var log = _state.Logs[runId];
            var key = (runId, prepared.CorrelationId ?? "");
            var holder = prepared.Token is null ? null : _state.TokenHolder(prepared.Token);
            return new EventSnapshot
            {
                Run = run,
                LastEventId = log.Count == 0 ? null : log[^1].EventId,
                Step = prepared.Target == SnapshotTarget.Step && _state.Steps.TryGetValue(key, out var step) ? step.Step : null,
                Hook = prepared.Target == SnapshotTarget.Hook && _state.Hooks.TryGetValue(key, out var hook) ? hook.Hook : null,
                Wait = prepared.Target == SnapshotTarget.Wait ? _state.Waits.GetValueOrDefault(key) : null,
                CorrelationEventExists = prepared.RequiresUniqueCorrelation
                    && log.Exists(e => e.EventType == prepared.EventType && e.CorrelationId == prepared.CorrelationId),
                TokenHolder = holder is null ? null : new HookTokenHolder(holder.RunId, holder.HookId),
            };
        }
    }
}
