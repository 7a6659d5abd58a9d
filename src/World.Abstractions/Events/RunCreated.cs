namespace World;

/// <summary><c>run_created</c>: creates a pending run.</summary>
/// <param name="DeploymentId">The deployment the run is pinned to.</param>
/// <param name="WorkflowName">The workflow's machine name.</param>
/// <param name="Input">The workflow arguments (required on create; null only on <see cref="ResolveData.None"/> reads).</param>
public sealed record RunCreated(string DeploymentId, string WorkflowName, ReadOnlyMemory<byte>? Input) : EventData(EventType.RunCreated)
{
    /// <summary>Opaque runtime context stored on the run.</summary>
    public IReadOnlyDictionary<string, string>? ExecutionContext { get; init; }

    /// <summary>Initial run attributes; keys starting with <c>$</c> need <see cref="AllowReservedAttributes"/>.</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    /// <summary>Allows reserved (<c>$</c>-prefixed) attribute keys such as lineage.</summary>
    public bool AllowReservedAttributes { get; init; }

    /// <inheritdoc />
    public override EventData WithoutPayload() => this with { Input = null };
}
