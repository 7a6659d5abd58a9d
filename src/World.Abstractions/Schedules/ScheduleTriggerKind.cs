namespace World;

/// <summary>Why a schedule fire exists; stored on the fire and on its run (attribute <see cref="ScheduleAttributes.Trigger"/>).</summary>
public enum ScheduleTriggerKind
{
    /// <summary>A tick of the cron expression or interval, fired on time.</summary>
    Scheduled = 0,

    /// <summary>A tick missed during downtime, fired late by the catch-up policy.</summary>
    CatchUp = 1,

    /// <summary>Fired by <see cref="ISchedules.TriggerNowAsync"/>.</summary>
    Manual = 2,

    /// <summary>Fired by <see cref="ISchedules.BackfillAsync"/>.</summary>
    Backfill = 3,
}
