namespace World;

/// <summary>Paging of <see cref="ISchedules.ListFiresAsync"/>: one schedule's fires by key (nominal time), newest first by default.</summary>
public sealed record ScheduleFireQuery
{
    /// <summary>The default page size.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The schedule.</summary>
    public required string ScheduleId { get; init; }

    /// <summary>Only fires in this status.</summary>
    public ScheduleFireStatus? Status { get; init; }

    /// <summary>Paging.</summary>
    public PageRequest Page { get; init; } = PageRequest.Default;
}
