namespace World.Runtime;

/// <summary>How a run is started.</summary>
public sealed record StartWorkflowOptions
{
    /// <summary>
    /// A caller-chosen run id (<c>wrun_</c> + a ULID of the last 24 hours) for idempotent starts: starting twice with
    /// one id starts one run and returns it both times (the second input is ignored). Null mints a fresh id.
    /// </summary>
    public string? RunId { get; init; }

    /// <summary>Plaintext attributes stored on the run (keys starting with <c>$</c> are reserved).</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }
}
