namespace World;

/// <summary>A schedule with its next ticks and latest fires.</summary>
public sealed record ScheduleDetail
{
    /// <summary>How many next ticks and latest fires a detail holds.</summary>
    public const int Count = 10;

    /// <summary>The schedule.</summary>
    public required Schedule Schedule { get; init; }

    /// <summary>Its next nominal tick times.</summary>
    public required IReadOnlyList<DateTimeOffset> NextTicks { get; init; }

    /// <summary>Its latest fires, newest first.</summary>
    public required IReadOnlyList<ScheduleFire> RecentFires { get; init; }
}
