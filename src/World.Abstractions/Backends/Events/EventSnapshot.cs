using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>
/// The state a backend loads, under the run's write lock, for <see cref="EventRules.Decide"/>. What to load is
/// described by <see cref="PreparedEvent"/>; members the event does not need stay null.
/// </summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public sealed record EventSnapshot
{
    /// <summary>A snapshot of a run that does not exist.</summary>
    public static EventSnapshot Missing { get; } = new();

    /// <summary>The run, or null when it does not exist.</summary>
    public WorkflowRun? Run { get; init; }

    /// <summary>The id of the run's latest event, so the next id sorts after it.</summary>
    public string? LastEventId { get; init; }

    /// <summary>The step named by the correlation id, when <see cref="SnapshotTarget.Step"/>.</summary>
    public Step? Step { get; init; }

    /// <summary>The live hook named by the correlation id in this run, when <see cref="SnapshotTarget.Hook"/>.</summary>
    public Hook? Hook { get; init; }

    /// <summary>The wait named by the correlation id, when <see cref="SnapshotTarget.Wait"/>.</summary>
    public Wait? Wait { get; init; }

    /// <summary>Whether an event of the request's type already exists for (run, correlation id), when required.</summary>
    public bool CorrelationEventExists { get; init; }

    /// <summary>For <c>hook_created</c>: the live hook holding the requested token, in any run, if one does.</summary>
    public HookTokenHolder? TokenHolder { get; init; }
}
