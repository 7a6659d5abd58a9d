namespace World;

/// <summary>The state of one schedule fire.</summary>
public enum ScheduleFireStatus
{
    /// <summary>Decided and keyed; its run is being (or will be) created with the recorded run id.</summary>
    Pending = 0,

    /// <summary>Its run exists.</summary>
    Created = 1,

    /// <summary>Not fired; <see cref="ScheduleFire.SkipReason"/> says why.</summary>
    Skipped = 2,
}
