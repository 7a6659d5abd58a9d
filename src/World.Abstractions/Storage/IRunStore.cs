namespace World;

/// <summary>Read access to runs. Runs change only through <see cref="IEventStore.CreateAsync"/>.</summary>
public interface IRunStore
{
    /// <summary>Gets a run.</summary>
    /// <exception cref="RunNotFoundException">No run has this id.</exception>
    /// <exception cref="WorldValidationException">The id is not a safe id.</exception>
    Task<WorkflowRun> GetAsync(string runId, ReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Gets several runs in the order of <paramref name="runIds"/>, with null for missing ones.</summary>
    Task<IReadOnlyList<WorkflowRun?>> GetManyAsync(IReadOnlyList<string> runIds, ReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Lists runs, newest first by default.</summary>
    Task<Page<WorkflowRun>> ListAsync(RunQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns as soon as the run is terminal, or with its latest snapshot once <paramref name="timeout"/> has
    /// passed (a timeout is a normal return; check <see cref="WorkflowRun.Status"/>).
    /// </summary>
    /// <exception cref="RunNotFoundException">No run has this id.</exception>
    Task<WorkflowRun> WaitForTerminalStatusAsync(string runId, TimeSpan timeout, ReadOptions? options = null, CancellationToken cancellationToken = default);
}
