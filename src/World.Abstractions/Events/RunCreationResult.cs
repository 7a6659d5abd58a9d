namespace World;

/// <summary>The outcome of one run of <see cref="IEventStore.CreateRunsAsync"/>: created, or refused with a typed error.</summary>
public sealed record RunCreationResult
{
    /// <summary>The run id requested or minted.</summary>
    public required string RunId { get; init; }

    /// <summary>The <c>run_created</c> event and the new run, when the run was created.</summary>
    public EventResult? Result { get; init; }

    /// <summary>
    /// Why the run was not created: <see cref="EntityConflictException"/> when a run with the requested id exists
    /// (created earlier, by a concurrent call, or by an earlier entry of the same batch).
    /// </summary>
    public WorldException? Error { get; init; }

    /// <summary>Whether the run was created by this call.</summary>
    public bool Created => Result is not null;
}
