namespace World;

/// <summary>
/// The reserved run attributes a schedule fire stamps on the run it creates, so a run says which schedule and which
/// tick created it.
/// </summary>
public static class ScheduleAttributes
{
    /// <summary>The schedule id.</summary>
    public const string ScheduleId = "$scheduleId";

    /// <summary>The nominal fire time (before jitter), ISO-8601 UTC with milliseconds.</summary>
    public const string NominalTime = "$scheduleNominalTime";

    /// <summary>The trigger kind: <c>scheduled</c>, <c>catch-up</c>, <c>manual</c> or <c>backfill</c>.</summary>
    public const string Trigger = "$scheduleTrigger";

    /// <summary>The attribute text of a trigger kind.</summary>
    public static string TriggerText(ScheduleTriggerKind kind) => kind switch
    {
        ScheduleTriggerKind.Scheduled => "scheduled",
        ScheduleTriggerKind.CatchUp => "catch-up",
        ScheduleTriggerKind.Manual => "manual",
        ScheduleTriggerKind.Backfill => "backfill",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The attributes of a run created by <paramref name="fire"/>.</summary>
    public static IReadOnlyDictionary<string, string> For(ScheduleFire fire)
    {
        ArgumentNullException.ThrowIfNull(fire);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ScheduleId] = fire.ScheduleId,
            [NominalTime] = fire.NominalAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            [Trigger] = TriggerText(fire.Kind),
        };
    }
}
