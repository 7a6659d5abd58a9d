namespace World;

/// <summary>Options of single-entity reads.</summary>
public sealed record ReadOptions
{
    /// <summary>The shared default (<see cref="ResolveData.All"/>).</summary>
    public static ReadOptions Default { get; } = new();

    /// <summary>Reads without payloads.</summary>
    public static ReadOptions WithoutData { get; } = new() { ResolveData = ResolveData.None };

    /// <summary>Whether payloads are returned.</summary>
    public ResolveData ResolveData { get; init; } = ResolveData.All;
}
