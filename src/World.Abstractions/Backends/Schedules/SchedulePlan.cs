using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>A decision of <see cref="ScheduleRules.Plan"/>: the schedule's new state and the fires to store under their keys.</summary>
/// <param name="State">The state to write.</param>
/// <param name="Fires">Pending fires (runs to create) and skipped entries, in tick order; each is inserted only if its key is free.</param>
/// <param name="Repaired">Whether the next tick was missing or not a tick of the definition and was recomputed.</param>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public sealed record SchedulePlan(ScheduleState State, IReadOnlyList<ScheduleFire> Fires, bool Repaired);
