namespace World;

/// <summary>A backfill: fire every tick of a past range, staggered so it cannot flood the queue.</summary>
public sealed record ScheduleBackfillRequest
{
    /// <summary>The first instant of the range (inclusive).</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>The last instant of the range (inclusive).</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>The gap between two backfill fires; the first is due now. Default one second.</summary>
    public TimeSpan Stagger { get; init; } = TimeSpan.FromSeconds(1);
}
