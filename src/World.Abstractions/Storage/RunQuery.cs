namespace World;

/// <summary>Filters and paging of <see cref="IRunStore.ListAsync"/>. Default order: newest first; default limit 20.</summary>
public sealed record RunQuery
{
    /// <summary>The default page size of run listings.</summary>
    public const int DefaultLimit = 20;

    /// <summary>Only runs of this workflow.</summary>
    public string? WorkflowName { get; init; }

    /// <summary>Only runs in one of these statuses; null for any status, empty for none.</summary>
    public IReadOnlyCollection<RunStatus>? Statuses { get; init; }

    /// <summary>Paging.</summary>
    public PageRequest Page { get; init; } = PageRequest.Default;

    /// <summary>Whether payloads are returned.</summary>
    public ResolveData ResolveData { get; init; } = ResolveData.All;
}
