namespace World;

/// <summary>Paging of <see cref="IEventStore.ListAsync"/>. Default order: ascending (commit order); default limit 100.</summary>
/// <param name="RunId">The run whose log is listed.</param>
public sealed record EventQuery(string RunId)
{
    /// <summary>The default page size of event listings.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Only events of this entity (step, hook or wait id).</summary>
    public string? CorrelationId { get; init; }

    /// <summary>Paging.</summary>
    public PageRequest Page { get; init; } = PageRequest.Default;

    /// <summary>Whether payloads are returned.</summary>
    public ResolveData ResolveData { get; init; } = ResolveData.All;
}
