namespace World;

/// <summary>
/// A workflow run: a read-only projection of the run's event log. It changes only through
/// <see cref="IEventStore.CreateAsync"/>.
/// </summary>
/// <remarks>
/// Payload members (<see cref="Input"/>, <see cref="Output"/>) are opaque bytes, returned exactly as stored.
/// They are <see langword="null"/> when absent or when read with <see cref="ResolveData.None"/>; an empty
/// payload is distinct from an absent one. Record equality compares payloads by reference, not by content.
/// </remarks>
public sealed record WorkflowRun
{
    /// <summary>The run id: <c>wrun_</c> followed by a ULID.</summary>
    public required string RunId { get; init; }

    /// <summary>The current status.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>The deployment the run is pinned to, from <c>run_created</c>.</summary>
    public required string DeploymentId { get; init; }

    /// <summary>The workflow's machine name.</summary>
    public required string WorkflowName { get; init; }

    /// <summary>The spec version copied from the creating event.</summary>
    public required int SpecVersion { get; init; }

    /// <summary>Opaque runtime context (trace carrier, versions, flags).</summary>
    public IReadOnlyDictionary<string, string>? ExecutionContext { get; init; }

    /// <summary>The workflow arguments (opaque bytes).</summary>
    public ReadOnlyMemory<byte>? Input { get; init; }

    /// <summary>The return value; present only when <see cref="RunStatus.Completed"/>.</summary>
    public ReadOnlyMemory<byte>? Output { get; init; }

    /// <summary>The error; present only when <see cref="RunStatus.Failed"/>.</summary>
    public StructuredError? Error { get; init; }

    /// <summary>Plaintext user metadata, seeded by <c>run_created</c> and changed by <c>attr_set</c>.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = EmptyAttributes.Instance;

    /// <summary>When the run's user data was purged by retention, if it was.</summary>
    public DateTimeOffset? ExpiredAt { get; init; }

    /// <summary>Set by the first <c>run_started</c> and never changed afterwards.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Set by the terminal transition.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>When the run was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the run last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
