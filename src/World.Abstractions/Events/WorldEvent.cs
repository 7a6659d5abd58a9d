namespace World;

/// <summary>An event of a run's append-only log. Within a run, event id order is commit order.</summary>
public sealed record WorldEvent
{
    /// <summary>The run the event belongs to.</summary>
    public required string RunId { get; init; }

    /// <summary>The event id: <c>evnt_</c> followed by a ULID, minted by the World under the run's write lock.</summary>
    public required string EventId { get; init; }

    /// <summary>The entity the event belongs to (step, hook or wait id); null for run events.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The typed event data; its runtime type determines <see cref="EventType"/>.</summary>
    public required EventData Data { get; init; }

    /// <summary>When the World accepted and stored the event.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The spec version stamped on the event.</summary>
    public required int SpecVersion { get; init; }

    /// <summary>The event type.</summary>
    public EventType EventType => Data.EventType;
}
