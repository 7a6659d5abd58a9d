namespace World;

/// <summary>Optional capabilities a World declares. Absent capabilities fail closed; conformance suites skip them with a reason.</summary>
public sealed record WorldCapabilities
{
    /// <summary>The required contract only.</summary>
    public static WorldCapabilities None { get; } = new();

    /// <summary>Whether several processes may share the World's state (a database-backed World).</summary>
    public bool MultiProcess { get; init; }
}
