namespace World;

/// <summary>A schedule: its definition and its runtime state.</summary>
/// <param name="Definition">What the schedule is (from code or the API).</param>
/// <param name="State">Where it stands (owned by the World).</param>
public sealed record Schedule(ScheduleDefinition Definition, ScheduleState State)
{
    /// <summary>The schedule id.</summary>
    public string ScheduleId => Definition.ScheduleId;
}
