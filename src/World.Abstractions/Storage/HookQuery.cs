namespace World;

/// <summary>Filters and paging of <see cref="IHookStore.ListAsync"/>. Hooks are ordered by creation; default oldest first, limit 100.</summary>
public sealed record HookQuery
{
    /// <summary>The default page size of hook listings.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Only hooks of this run; null for every run.</summary>
    public string? RunId { get; init; }

    /// <summary>Paging.</summary>
    public PageRequest Page { get; init; } = PageRequest.Default;

    /// <summary>Whether payloads are returned.</summary>
    public ResolveData ResolveData { get; init; } = ResolveData.All;
}
