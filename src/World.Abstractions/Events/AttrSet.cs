namespace World;

/// <summary><c>attr_set</c>: merges attribute changes into the run's attributes.</summary>
/// <param name="Changes">The changes, applied in order; a key may appear once.</param>
/// <param name="Writer">Who wrote the change.</param>
public sealed record AttrSet(IReadOnlyList<AttributeChange> Changes, AttributeWriter Writer) : EventData(EventType.AttrSet)
{
    /// <summary>Allows reserved (<c>$</c>-prefixed) keys.</summary>
    public bool AllowReservedAttributes { get; init; }

    /// <inheritdoc />
    public override EventData WithoutPayload() => this;
}
