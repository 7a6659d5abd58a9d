using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>
/// A request that passed stateless validation, with its run id resolved (minted for <c>run_created</c> without one)
/// and a description of the state a backend must load for <see cref="EventRules.Decide"/>.
/// </summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public sealed record PreparedEvent
{
    /// <summary>The run the event goes to.</summary>
    public required string RunId { get; init; }

    /// <summary>The validated request.</summary>
    public required EventRequest Request { get; init; }

    /// <summary>The spec version to stamp on the event.</summary>
    public required int SpecVersion { get; init; }

    /// <summary>The entity to load besides the run.</summary>
    public required SnapshotTarget Target { get; init; }

    /// <summary>
    /// Whether the backend must report in <see cref="EventSnapshot.CorrelationEventExists"/> if an event of the same
    /// type already exists for this correlation id (creation events are unique per run and correlation id).
    /// </summary>
    public required bool RequiresUniqueCorrelation { get; init; }

    /// <summary>For <c>hook_created</c>: the token whose live holder the backend must load.</summary>
    public string? Token { get; init; }

    /// <summary>The event type.</summary>
    public EventType EventType => Request.EventType;

    /// <summary>The correlation id, if any.</summary>
    public string? CorrelationId => Request.CorrelationId;
}
