namespace World;

/// <summary>
/// One decided tick of a schedule: a run to create (with its run id chosen before the run exists) or a record of
/// what was skipped and why. A fire is unique per (schedule, <see cref="Key"/>), the storage key that makes firing
/// exactly-once: the key is the nominal time, so two schedulers can never create two fires (and two runs) for one tick.
/// </summary>
public sealed record ScheduleFire
{
    /// <summary>The schedule.</summary>
    public required string ScheduleId { get; init; }

    /// <summary>The nominal tick time (before jitter); for manual fires the time of the request.</summary>
    public required DateTimeOffset NominalAt { get; init; }

    /// <summary>Why the fire exists.</summary>
    public required ScheduleTriggerKind Kind { get; init; }

    /// <summary>Where the fire stands.</summary>
    public required ScheduleFireStatus Status { get; init; }

    /// <summary>The run id this fire creates (or created); null for skipped entries.</summary>
    public string? RunId { get; init; }

    /// <summary>When the fire may be executed (tick plus jitter, or a backfill's staggered time).</summary>
    public required DateTimeOffset FireAt { get; init; }

    /// <summary>For <see cref="ScheduleOverlap.CancelPrevious"/>: the run to cancel after this one is created.</summary>
    public string? CancelRunId { get; init; }

    /// <summary>For skipped entries: why.</summary>
    public string? SkipReason { get; init; }

    /// <summary>For skipped entries: how many ticks this entry stands for (a 3-day outage is one entry, not 4,320).</summary>
    public int SkippedCount { get; init; }

    /// <summary>For skipped entries that stand for several ticks: the last of them.</summary>
    public DateTimeOffset? SkippedUntil { get; init; }

    /// <summary>How many times a scheduler leased this fire to create its run.</summary>
    public int Attempts { get; init; }

    /// <summary>When the fire was decided.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its run was confirmed created.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The fire's key within its schedule: the nominal time in Unix milliseconds and a class (<c>-t</c> ticks, <c>-m</c> manual).</summary>
    public string Key => KeyOf(Kind, NominalAt);

    /// <summary>The key of a fire of <paramref name="kind"/> at <paramref name="nominalAt"/>.</summary>
    public static string KeyOf(ScheduleTriggerKind kind, DateTimeOffset nominalAt) =>
        nominalAt.ToUnixTimeMilliseconds().ToString("D15", System.Globalization.CultureInfo.InvariantCulture) + (kind == ScheduleTriggerKind.Manual ? "-m" : "-t");
}
