namespace World.Runtime;

/// <summary>The scheduler's heartbeat: when it last completed a pass, how late the fires were, and its failures.</summary>
/// <param name="LastTickAt">When the last pass succeeded; null before the first.</param>
/// <param name="Lag">How late the most overdue fire of the last pass was (zero when nothing was due).</param>
/// <param name="ConsecutiveFailures">Failed passes since the last success.</param>
/// <param name="LastError">The last failure's message, while failing.</param>
/// <param name="Repaired">Schedules whose missing next fire time this process recomputed.</param>
public sealed record WorkflowSchedulerHealth(DateTimeOffset? LastTickAt, TimeSpan Lag, int ConsecutiveFailures, string? LastError, long Repaired);
