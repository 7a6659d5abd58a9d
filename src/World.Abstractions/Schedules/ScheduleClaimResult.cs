namespace World;

/// <summary>The outcome of one <see cref="ISchedules.ClaimFiresAsync"/>.</summary>
/// <param name="Fires">The pending fires leased to the caller, oldest first.</param>
/// <param name="Planned">How many due schedules were advanced.</param>
/// <param name="Repaired">Ids of enabled schedules whose next fire time was missing and was recomputed.</param>
public sealed record ScheduleClaimResult(IReadOnlyList<ClaimedScheduleFire> Fires, int Planned, IReadOnlyList<string> Repaired);
