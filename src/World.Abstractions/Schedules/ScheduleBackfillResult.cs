namespace World;

/// <summary>The outcome of a backfill.</summary>
/// <param name="Ticks">The ticks in the range.</param>
/// <param name="Added">The fires added (ticks that already had a fire are left alone).</param>
/// <param name="LastFireAt">When the last added fire is due; null when none was added.</param>
public sealed record ScheduleBackfillResult(int Ticks, int Added, DateTimeOffset? LastFireAt);
