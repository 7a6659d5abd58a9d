using World.Backends;

namespace World.InMemory.Storage;

/// <summary>
/// Everything stored for one run. Every mutation and every read of the collections happens under <see cref="Gate"/>,
/// which is the run's write lock: it serializes writers of one run only, so runs never contend with each other.
/// </summary>
internal sealed class RunState
{
    private readonly List<WorldEvent> _events = [];
    private readonly Dictionary<string, StepEntry> _steps = new(StringComparer.Ordinal);
    private readonly List<StepEntry> _stepsInCreationOrder = [];
    private readonly Dictionary<string, HookEntry> _hooks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Wait> _waits = new(StringComparer.Ordinal);
    private readonly HashSet<(EventType Type, string CorrelationId)> _uniqueCorrelations = [];
    private readonly TaskCompletionSource _terminal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile WorkflowRun _run;

    private RunState(WorkflowRun run)
    {
        _run = run;
    }

    /// <summary>The run's write lock.</summary>
    public Lock Gate { get; } = new();

    /// <summary>The current run. Immutable and swapped atomically, so it may be read without the lock.</summary>
    public WorkflowRun Run => _run;

    /// <summary>Completes when the run reaches a terminal status.</summary>
    public Task Terminal => _terminal.Task;

    /// <summary>Builds the state of a new run from a plan that creates it; the state is complete before it is published.</summary>
    public static RunState Create(EventPlan plan)
    {
        var state = new RunState(plan.Run!);
        state.Apply(plan, hooks: null);
        return state;
    }

    /// <summary>Loads what <paramref name="prepared"/> needs. Caller holds <see cref="Gate"/>.</summary>
    public EventSnapshot Snapshot(PreparedEvent prepared, HookTokenHolder? tokenHolder)
    {
        var correlationId = prepared.CorrelationId;
        return new EventSnapshot
        {
            Run = _run,
            LastEventId = _events.Count == 0 ? null : _events[^1].EventId,
            Step = prepared.Target == SnapshotTarget.Step && _steps.TryGetValue(correlationId!, out var step) ? step.Step : null,
            Hook = prepared.Target == SnapshotTarget.Hook && _hooks.TryGetValue(correlationId!, out var hook) ? hook.Hook : null,
            Wait = prepared.Target == SnapshotTarget.Wait && _waits.TryGetValue(correlationId!, out var wait) ? wait : null,
            CorrelationEventExists = prepared.RequiresUniqueCorrelation && _uniqueCorrelations.Contains((prepared.EventType, correlationId!)),
            TokenHolder = tokenHolder,
        };
    }

    /// <summary>
    /// Applies a committed plan. Caller holds <see cref="Gate"/> and has claimed the token of
    /// <paramref name="createdHook"/> in <paramref name="hooks"/>.
    /// </summary>
    public void Apply(EventPlan plan, HookIndex? hooks, HookEntry? createdHook = null)
    {
        foreach (var worldEvent in plan.Events)
        {
            _events.Add(worldEvent);
            if (worldEvent.CorrelationId is { } correlationId)
            {
                _uniqueCorrelations.Add((worldEvent.EventType, correlationId));
            }
        }

        var creationEventId = plan.Events.Count > 0 ? plan.Events[0].EventId : null; // A synthetic creation event comes first.
        if (plan.Step is { } step)
        {
            if (plan.CreatesStep)
            {
                var entry = new StepEntry(step, creationEventId!);
                _steps.Add(step.StepId, entry);
                _stepsInCreationOrder.Add(entry);
            }
            else
            {
                _steps[step.StepId].Step = step;
            }
        }

        if (createdHook is not null)
        {
            _hooks.Add(createdHook.Hook.HookId, createdHook);
            hooks?.Publish(createdHook);
        }

        if (plan.DisposedHook is { } disposedHook && _hooks.Remove(disposedHook.HookId, out var disposed))
        {
            hooks?.Release(disposed);
        }

        if (plan.Wait is { } wait)
        {
            _waits[wait.CorrelationId] = wait;
        }

        if (plan.EndsRun)
        {
            foreach (var entry in _hooks.Values)
            {
                hooks?.Release(entry);
            }

            _hooks.Clear();
            _waits.Clear();
        }

        // Publish the run last: a lock-free reader that sees the new run also sees the entity changes above.
        if (plan.Run is { } run)
        {
            _run = run;
            if (run.Status.IsTerminal())
            {
                _terminal.TrySetResult();
            }
        }
    }

    /// <summary>The whole log in commit order. Caller holds <see cref="Gate"/>.</summary>
    public IReadOnlyList<WorldEvent> Events => _events;

    /// <summary>Steps in creation order. Caller holds <see cref="Gate"/>.</summary>
    public IReadOnlyList<StepEntry> StepsInCreationOrder => _stepsInCreationOrder;

    /// <summary>Looks up a step. Caller holds <see cref="Gate"/>.</summary>
    public Step? FindStep(string stepId) => _steps.TryGetValue(stepId, out var entry) ? entry.Step : null;

    /// <summary>Live hooks of the run. Caller holds <see cref="Gate"/>.</summary>
    public IEnumerable<HookEntry> Hooks => _hooks.Values;

    /// <summary>Whether <paramref name="entry"/> is a live hook of this run. Caller holds <see cref="Gate"/>.</summary>
    public bool HoldsHook(HookEntry entry) => _hooks.TryGetValue(entry.Hook.HookId, out var live) && ReferenceEquals(live, entry);
}
