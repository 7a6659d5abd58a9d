using World.Backends;

namespace World.Naive.Tests;

/// <summary>
/// Everything the naive World stores, in plain dictionaries guarded by one lock. Deliberately slow and obvious: it
/// exists to show that a backend needs nothing but storage code on top of the shared rules.
/// </summary>
internal sealed class NaiveState(EventRules rules, TimeProvider timeProvider)
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The one lock: every read and write of the dictionaries below holds it.</summary>
    public Lock Gate { get; } = new();

    public EventRules Rules { get; } = rules;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public Dictionary<string, WorkflowRun> Runs { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<WorldEvent>> Logs { get; } = new(StringComparer.Ordinal);

    /// <summary>Steps by (run, step id), with the id of their creation event (their sort key).</summary>
    public Dictionary<(string RunId, string StepId), (Step Step, string CreatedEventId)> Steps { get; } = [];

    /// <summary>Live hooks by (run, hook id), with the id of their creation event (their sort key).</summary>
    public Dictionary<(string RunId, string HookId), (Hook Hook, string CreatedEventId)> Hooks { get; } = [];

    public Dictionary<(string RunId, string CorrelationId), Wait> Waits { get; } = [];

    /// <summary>Completes at the next committed write (run waiters re-check then). Caller holds <see cref="Gate"/>.</summary>
    public Task Changed => _changed.Task;

    public DateTimeOffset Now() => EventRules.Now(TimeProvider);

    /// <summary>Writes a plan the rules decided. Caller holds <see cref="Gate"/>.</summary>
    public void Apply(EventPlan plan)
    {
        var runId = plan.RunId;
        if (!Logs.TryGetValue(runId, out var log))
        {
            Logs[runId] = log = [];
        }

        log.AddRange(plan.Events);
        var creationEventId = plan.Events.Count > 0 ? plan.Events[0].EventId : ""; // A synthetic creation event comes first.
        if (plan.Run is { } run)
        {
            Runs[runId] = run;
        }

        if (plan.Step is { } step)
        {
            var createdEventId = plan.CreatesStep ? creationEventId : Steps[(runId, step.StepId)].CreatedEventId;
            Steps[(runId, step.StepId)] = (step, createdEventId);
        }

        if (plan.CreatedHook is { } hook)
        {
            Hooks[(runId, hook.HookId)] = (hook, creationEventId);
        }

        if (plan.DisposedHook is { } disposed)
        {
            Hooks.Remove((runId, disposed.HookId));
        }

        if (plan.Wait is { } wait)
        {
            Waits[(runId, wait.CorrelationId)] = wait;
        }

        if (plan.EndsRun)
        {
            foreach (var key in Hooks.Keys.Where(key => key.RunId == runId).ToList())
            {
                Hooks.Remove(key);
            }

            foreach (var key in Waits.Keys.Where(key => key.RunId == runId).ToList())
            {
                Waits.Remove(key);
            }
        }

        var changed = _changed;
        _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    /// <summary>The live hook holding <paramref name="token"/>, in any run. Caller holds <see cref="Gate"/>.</summary>
    public Hook? TokenHolder(string token) => Hooks.Values.Select(entry => entry.Hook).FirstOrDefault(hook => hook.Token == token);
}
