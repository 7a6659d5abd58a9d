namespace World;

/// <summary>
/// What a schedule is: which workflow it starts with which input, when (a cron expression or a fixed interval, in an
/// IANA time zone), and its policies. Code is the source of truth for definitions (they are upserted at start); the
/// World holds the runtime state beside them (<see cref="ScheduleState"/>).
/// </summary>
public sealed record ScheduleDefinition
{
    /// <summary>The schedule id: 1 to 256 characters of letters, digits, '_' or '-'.</summary>
    public required string ScheduleId { get; init; }

    /// <summary>The workflow each fire starts.</summary>
    public required string WorkflowName { get; init; }

    /// <summary>The workflow input of each run (opaque bytes; the runtime serializes it).</summary>
    public ReadOnlyMemory<byte> Input { get; init; }

    /// <summary>A cron expression: five fields, or six with seconds first. Exactly one of this and <see cref="Interval"/>.</summary>
    public string? Cron { get; init; }

    /// <summary>A fixed interval measured in elapsed time from <see cref="StartAt"/> (or the Unix epoch). Exactly one of this and <see cref="Cron"/>.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>The IANA time zone the cron expression, window and blackout dates are read in. Default <c>UTC</c>.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Whether the schedule is enabled when it is created. An upsert of an existing schedule keeps its current enabled state.</summary>
    public bool Enabled { get; init; }

    /// <summary>What happens when a tick comes while the previous run is still active.</summary>
    public ScheduleOverlap Overlap { get; init; } = ScheduleOverlap.Skip;

    /// <summary>What happens with ticks missed during downtime.</summary>
    public ScheduleCatchUp CatchUp { get; init; } = ScheduleCatchUp.RunOnce;

    /// <summary>For <see cref="ScheduleCatchUp.RunAll"/>: the most missed ticks fired after one outage (1 to <see cref="Backends.ScheduleRules.MaxCatchUpBound"/>).</summary>
    public int CatchUpBound { get; init; } = 10;

    /// <summary>The largest delay added to each tick; the delay is deterministic per (schedule, tick). Zero for none.</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>No tick before this instant; also the anchor of an interval.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>No tick after this instant; when the last tick has fired the schedule disables itself.</summary>
    public DateTimeOffset? EndAt { get; init; }

    /// <summary>Only ticks whose local time lies in this window exist.</summary>
    public ScheduleWindow? Window { get; init; }

    /// <summary>Local dates (in <see cref="TimeZone"/>) on which no tick exists.</summary>
    public IReadOnlyList<DateOnly>? BlackoutDates { get; init; }
}
