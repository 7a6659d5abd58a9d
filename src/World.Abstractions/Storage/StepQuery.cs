namespace World;

/// <summary>Paging of <see cref="IStepStore.ListAsync"/>. Steps are ordered by creation; default newest first, limit 20.</summary>
/// <param name="RunId">The run whose steps are listed.</param>
public sealed record StepQuery(string RunId)
{
    /// <summary>The default page size of step listings.</summary>
    public const int DefaultLimit = 20;

    /// <summary>Paging.</summary>
    public PageRequest Page { get; init; } = PageRequest.Default;

    /// <summary>Whether payloads are returned.</summary>
    public ResolveData ResolveData { get; init; } = ResolveData.All;
}
