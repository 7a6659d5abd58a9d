namespace World;

/// <summary>The runtime state of a schedule, owned by the World and advanced only by schedule fires.</summary>
public sealed record ScheduleState
{
    /// <summary>Whether the schedule fires.</summary>
    public bool Enabled { get; init; }

    /// <summary>Why the schedule was paused (or disabled itself), when it is not enabled.</summary>
    public string? PauseNote { get; init; }

    /// <summary>The next tick (before jitter); null only when the schedule has no further tick or needs repair.</summary>
    public DateTimeOffset? NextNominalAt { get; init; }

    /// <summary>When the next tick is due: <see cref="NextNominalAt"/> plus its jitter.</summary>
    public DateTimeOffset? NextFireAt { get; init; }

    /// <summary>The last tick the schedule consumed (fired or skipped).</summary>
    public DateTimeOffset? LastNominalAt { get; init; }

    /// <summary>When the last run was decided.</summary>
    public DateTimeOffset? LastFiredAt { get; init; }

    /// <summary>The run of the last fire (manual fires included, backfill excluded); the overlap policy looks at it.</summary>
    public string? LastRunId { get; init; }

    /// <summary>What the last decision was, in words (fired, skipped and why, an error).</summary>
    public string? LastOutcome { get; init; }

    /// <summary>The tick held by <see cref="ScheduleOverlap.BufferOne"/> until the previous run ends.</summary>
    public DateTimeOffset? BufferedNominalAt { get; init; }

    /// <summary>When the schedule was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the schedule last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
