namespace World;

/// <summary>Bounds and tenant fields the event rules apply. Every backend passes its options through unchanged.</summary>
public sealed record EventRulesOptions
{
    /// <summary>The shared defaults.</summary>
    public static EventRulesOptions Default { get; } = new();

    /// <summary>The largest payload (input, output, result, metadata, error text) accepted, in bytes. Default 64 MiB.</summary>
    public long MaxPayloadBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>The per-run event ceiling reported to the runtime as <see cref="EventResult.MaxEvents"/>. Default 25,000.</summary>
    public int MaxEventsPerRun { get; init; } = 25_000;

    /// <summary>Stamped on new hooks as <see cref="Hook.OwnerId"/>.</summary>
    public string OwnerId { get; init; } = "";

    /// <summary>Stamped on new hooks as <see cref="Hook.ProjectId"/>.</summary>
    public string ProjectId { get; init; } = "";

    /// <summary>Stamped on new hooks as <see cref="Hook.Environment"/>.</summary>
    public string Environment { get; init; } = "";
}
