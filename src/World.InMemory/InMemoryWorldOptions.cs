using World.Backends;

namespace World.InMemory;

/// <summary>
/// Options of <see cref="InMemoryWorld"/>: configure them with <c>UseInMemory(o =&gt; ...)</c> (validated when the host
/// starts) or pass them to the constructor.
/// </summary>
public sealed class InMemoryWorldOptions
{
    /// <summary>Bounds and tenant fields passed to the shared event rules.</summary>
    public EventRulesOptions Rules { get; set; } = EventRulesOptions.Default;
}
