namespace World;

/// <summary>
/// The local time of day (in the schedule's time zone) within which ticks exist; ticks outside are not ticks at all.
/// When <see cref="End"/> is before <see cref="Start"/> the window wraps midnight (22:00–04:00).
/// </summary>
/// <param name="Start">The first allowed local time (inclusive).</param>
/// <param name="End">The end of the window (exclusive).</param>
public sealed record ScheduleWindow(TimeOnly Start, TimeOnly End)
{
    /// <summary>Whether <paramref name="localTime"/> lies in the window.</summary>
    public bool Contains(TimeOnly localTime) =>
        Start <= End ? localTime >= Start && localTime < End : localTime >= Start || localTime < End;
}
