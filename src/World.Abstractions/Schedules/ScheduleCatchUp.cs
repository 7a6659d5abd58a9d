namespace World;

/// <summary>What a schedule does with ticks that passed while no scheduler fired them (downtime, a long pause of the loop).</summary>
public enum ScheduleCatchUp
{
    /// <summary>Fire none of the missed ticks; record them as one skipped entry with the reason. An on-time tick still fires.</summary>
    Skip = 0,

    /// <summary>Fire one catch-up run for the most recent missed tick; record the others as skipped.</summary>
    RunOnce = 1,

    /// <summary>Fire every missed tick, up to <see cref="ScheduleDefinition.CatchUpBound"/> (the most recent ones); record the rest as skipped.</summary>
    RunAll = 2,
}
