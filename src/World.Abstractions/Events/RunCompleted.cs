namespace World;

/// <summary><c>run_completed</c>: the run finished with an output.</summary>
/// <param name="Output">The return value (opaque bytes), or null for none.</param>
public sealed record RunCompleted(ReadOnlyMemory<byte>? Output = null) : EventData(EventType.RunCompleted)
{
    /// <inheritdoc />
    public override EventData WithoutPayload() => this with { Output = null };
}
