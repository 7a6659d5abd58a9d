namespace World;

/// <summary>A request to append an event to a run's log through <see cref="IEventStore.CreateAsync"/>.</summary>
/// <param name="Data">The typed event data; its type is the event type.</param>
/// <param name="CorrelationId">The target entity id: required for step, hook and wait events, absent for run events.</param>
public sealed record EventRequest(EventData Data, string? CorrelationId = null)
{
    /// <summary>The spec version to stamp; defaults to <see cref="SpecVersions.Current"/>.</summary>
    public int? SpecVersion { get; init; }

    /// <summary>The event type.</summary>
    public EventType EventType => Data.EventType;
}
