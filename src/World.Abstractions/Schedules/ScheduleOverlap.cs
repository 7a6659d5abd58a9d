namespace World;

/// <summary>What a schedule does when a tick comes while the run of its previous fire has not ended.</summary>
public enum ScheduleOverlap
{
    /// <summary>Do not fire; record the tick as skipped with the previous run's id.</summary>
    Skip = 0,

    /// <summary>Hold the first overlapping tick (at most one) and fire it as soon as the previous run ends; further overlapping ticks are skipped.</summary>
    BufferOne = 1,

    /// <summary>Fire regardless; runs may overlap.</summary>
    AllowAll = 2,

    /// <summary>Fire, and cancel the previous run.</summary>
    CancelPrevious = 3,
}
