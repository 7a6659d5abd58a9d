namespace World;

/// <summary>Whether reads return payloads.</summary>
public enum ResolveData
{
    /// <summary>Return every field (the default).</summary>
    All,

    /// <summary>
    /// Omit payloads: run and step input/output, hook metadata, and the payload member of each event's data.
    /// Errors of runs and steps and all plaintext metadata are kept.
    /// </summary>
    None,
}
