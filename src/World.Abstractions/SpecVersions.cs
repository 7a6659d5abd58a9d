namespace World;

/// <summary>The contract spec versions this World understands.</summary>
public static class SpecVersions
{
    /// <summary>Spec 1: pre-event-sourcing runs. Not supported: such runs are rejected with <see cref="RunNotSupportedException"/>.</summary>
    public const int Legacy = 1;

    /// <summary>Spec 2: event sourcing with binary payloads. The oldest version this World accepts.</summary>
    public const int MinSupported = 2;

    /// <summary>Spec 4: run attributes (<c>attr_set</c>). The version stamped on new events by default.</summary>
    public const int Current = 4;
}
