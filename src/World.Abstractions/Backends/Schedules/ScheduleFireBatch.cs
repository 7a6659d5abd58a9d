using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>What one <see cref="ScheduleFirer.FireDueAsync"/> pass did.</summary>
/// <param name="Planned">Due schedules advanced.</param>
/// <param name="Claimed">Pending fires leased.</param>
/// <param name="Created">Runs created by this pass.</param>
/// <param name="AlreadyCreated">Fires whose run already existed (created by a scheduler that died before confirming): not a second run.</param>
/// <param name="Repaired">Schedules whose missing next tick was recomputed.</param>
/// <param name="Fires">The claimed fires.</param>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public sealed record ScheduleFireBatch(int Planned, int Claimed, int Created, int AlreadyCreated, IReadOnlyList<string> Repaired, IReadOnlyList<ScheduleFire> Fires);
