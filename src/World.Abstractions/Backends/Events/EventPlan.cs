using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>
/// What a backend must commit, atomically, to apply an accepted event: the events to append (in order) and the
/// entity changes. A plan with no events is an idempotent no-op that the backend only reports.
/// </summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public sealed record EventPlan
{
    /// <summary>The run the plan applies to.</summary>
    public required string RunId { get; init; }

    /// <summary>The events to append in this order (a synthetic <c>run_created</c> may precede <c>run_started</c>).</summary>
    public required IReadOnlyList<WorldEvent> Events { get; init; }

    /// <summary>The run after the change; null when the run does not change.</summary>
    public WorkflowRun? Run { get; init; }

    /// <summary>Whether <see cref="Run"/> is new (insert rather than update).</summary>
    public bool CreatesRun { get; init; }

    /// <summary>The step after the change; null when no step changes.</summary>
    public Step? Step { get; init; }

    /// <summary>Whether <see cref="Step"/> is new.</summary>
    public bool CreatesStep { get; init; }

    /// <summary>A hook to insert; its token must be claimed atomically with the insert.</summary>
    public Hook? CreatedHook { get; init; }

    /// <summary>A hook to delete, freeing its token.</summary>
    public Hook? DisposedHook { get; init; }

    /// <summary>The wait after the change; null when no wait changes.</summary>
    public Wait? Wait { get; init; }

    /// <summary>Whether <see cref="Wait"/> is new.</summary>
    public bool CreatesWait { get; init; }

    /// <summary>Whether the run reaches a terminal state: delete all its hooks (freeing tokens) and waits in the same commit.</summary>
    public bool EndsRun { get; init; }

    /// <summary>Whether the result carries the run's log (<c>run_started</c>), unless the caller asked to skip it.</summary>
    public bool PreloadsEvents { get; init; }

    /// <summary>The result to return after the commit, with every payload; shape it with <see cref="DataResolution"/>.</summary>
    public required EventResult Result { get; init; }

    /// <summary>Whether nothing is written.</summary>
    public bool IsNoOp => Events.Count == 0;

    /// <summary>Sets the result's event to the last event appended (the requested one, after any synthetic event).</summary>
    internal EventPlan WithResultEvent() => this with { Result = Result with { Event = Events[^1] } };
}
