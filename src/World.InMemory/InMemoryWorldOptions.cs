using World.Rules;

namespace World.InMemory;

/// <summary>Options of <see cref="InMemoryWorld"/>.</summary>
public sealed record InMemoryWorldOptions
{
    /// <summary>Bounds and tenant fields passed to the shared event rules.</summary>
    public EventRulesOptions Rules { get; init; } = EventRulesOptions.Default;
}
