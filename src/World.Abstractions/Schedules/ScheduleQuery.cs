namespace World;

/// <summary>Paging of <see cref="ISchedules.ListAsync"/>, by schedule id ascending by default.</summary>
public sealed record ScheduleQuery
{
    /// <summary>The default page size.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Only schedules of this workflow.</summary>
    public string? WorkflowName { get; init; }

    /// <summary>Paging.</summary>
    public PageRequest Page { get; init; } = PageRequest.Default;
}
