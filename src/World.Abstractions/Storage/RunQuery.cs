namespace World;

/// <summary>Filters and paging of <see cref="IRunStore.ListAsync"/>. Default order: newest first; default limit 20.</summary>
/// <remarks>Every filter given must hold (they combine with AND).</remarks>
public sealed record RunQuery
{
    /// <summary>The default page size of run listings.</summary>
    public const int DefaultLimit = 20;

    /// <summary>The most attribute conditions one query may hold (<see cref="Attributes"/> with <see cref="ParentRunId"/> and <see cref="ScheduleId"/>).</summary>
    public const int MaxAttributeFilters = 8;

    /// <summary>Only runs of this workflow.</summary>
    public string? WorkflowName { get; init; }

    /// <summary>Only runs in one of these statuses; null for any status, empty for none.</summary>
    public IReadOnlyCollection<RunStatus>? Statuses { get; init; }

    /// <summary>Only runs holding every one of these attributes with exactly these values.</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    /// <summary>Only children of this run: runs whose <see cref="RunLineage.ParentRunId"/> attribute names it.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>Only runs a schedule created: runs whose <see cref="ScheduleAttributes.ScheduleId"/> attribute names it.</summary>
    public string? ScheduleId { get; init; }

    /// <summary>Only runs created at or after this time.</summary>
    public DateTimeOffset? CreatedAfter { get; init; }

    /// <summary>Only runs created strictly before this time.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>Paging.</summary>
    public PageRequest Page { get; init; } = PageRequest.Default;

    /// <summary>Whether payloads are returned.</summary>
    public ResolveData ResolveData { get; init; } = ResolveData.All;
}
