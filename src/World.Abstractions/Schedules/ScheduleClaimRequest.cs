namespace World;

/// <summary>What <see cref="ISchedules.ClaimFiresAsync"/> should do.</summary>
public sealed record ScheduleClaimRequest
{
    /// <summary>The scheduler instance (for diagnostics).</summary>
    public required string Owner { get; init; }

    /// <summary>The most schedules planned and the most fires leased by this call (1 to 1000).</summary>
    public int Limit { get; init; } = 100;

    /// <summary>How long a leased fire is reserved to this scheduler.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);
}
