namespace World;

/// <summary>Options of <see cref="IEventStore.CreateAsync"/>.</summary>
public sealed record CreateEventOptions
{
    /// <summary>The shared default options.</summary>
    public static CreateEventOptions Default { get; } = new();

    /// <summary>Whether the returned event and entities carry payloads. Default <see cref="ResolveData.All"/>.</summary>
    public ResolveData ResolveData { get; init; } = ResolveData.All;

    /// <summary>For <c>run_started</c>: do not preload the run's log into the result.</summary>
    public bool SkipPreload { get; init; }
}
