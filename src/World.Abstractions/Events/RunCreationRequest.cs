namespace World;

/// <summary>One run of <see cref="IEventStore.CreateRunsAsync"/>: the <c>run_created</c> data and, optionally, the run's id.</summary>
/// <param name="Data">The new run's deployment, workflow name, input, attributes and execution context.</param>
public sealed record RunCreationRequest(RunCreated Data)
{
    /// <summary>A caller-chosen run id (idempotent submission); null mints a new one.</summary>
    public string? RunId { get; init; }

    /// <summary>The spec version to stamp; defaults to <see cref="SpecVersions.Current"/>.</summary>
    public int? SpecVersion { get; init; }
}
