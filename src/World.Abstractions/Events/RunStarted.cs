namespace World;

/// <summary>
/// <c>run_started</c>: the run begins executing. The optional members carry the resilient-start payload: when
/// the run does not exist and <see cref="DeploymentId"/>, <see cref="WorkflowName"/> and <see cref="Input"/>
/// are all present, the World creates the run first. They are never persisted on the stored event.
/// </summary>
public sealed record RunStarted() : EventData(EventType.RunStarted)
{
    /// <summary>Resilient start: the workflow arguments.</summary>
    public ReadOnlyMemory<byte>? Input { get; init; }

    /// <summary>Resilient start: the deployment id.</summary>
    public string? DeploymentId { get; init; }

    /// <summary>Resilient start: the workflow name.</summary>
    public string? WorkflowName { get; init; }

    /// <summary>Resilient start: the execution context.</summary>
    public IReadOnlyDictionary<string, string>? ExecutionContext { get; init; }

    /// <summary>Resilient start: initial attributes.</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    /// <summary>Resilient start: allows reserved attribute keys.</summary>
    public bool AllowReservedAttributes { get; init; }

    /// <summary>Whether this carries enough data to create a missing run.</summary>
    public bool CanCreateRun => DeploymentId is not null && WorkflowName is not null && Input is not null;

    /// <inheritdoc />
    public override EventData WithoutPayload() => this with { Input = null };
}
