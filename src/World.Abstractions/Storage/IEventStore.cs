using World.Backends;

namespace World;

/// <summary>The event log: the only write path of a World, and reads of the log.</summary>
public interface IEventStore
{
    /// <summary>
    /// Validates the transition, appends the event and applies the entity change in one atomic step, and returns
    /// the event with the entity after the change.
    /// </summary>
    /// <param name="runId">The run; null only for <c>run_created</c>, which then mints a new run id.</param>
    /// <param name="request">The event to append.</param>
    /// <param name="options">Result shaping.</param>
    /// <param name="cancellationToken">Cancels the call; a cancelled call either committed entirely or not at all.</param>
    /// <exception cref="WorldException">The request is rejected; nothing was written.</exception>
    Task<EventResult> CreateAsync(string? runId, EventRequest request, CreateEventOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates many runs in one atomic write (batched submission): every <c>run_created</c> of the list commits
    /// together, in one transaction where the backend has them. A run whose requested id is taken is reported in its
    /// result, not thrown, and does not stop the others. Returns one result per request, in order.
    /// </summary>
    /// <param name="runs">At most <see cref="WorldLimits.MaxRunBatch"/> runs.</param>
    /// <param name="options">Result shaping, applied to every result.</param>
    /// <param name="cancellationToken">Cancels the call; a cancelled call either committed entirely or not at all.</param>
    /// <exception cref="WorldException">A request is invalid or the list too long; nothing was written.</exception>
    Task<IReadOnlyList<RunCreationResult>> CreateRunsAsync(IReadOnlyList<RunCreationRequest> runs, CreateEventOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Gets one event of a run.</summary>
    /// <exception cref="EntityNotFoundException">No such event (code <c>EVENT_NOT_FOUND</c>).</exception>
    Task<WorldEvent> GetAsync(string runId, string eventId, ReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Lists a run's log (optionally one entity's events), ascending by default.</summary>
    Task<Page<WorldEvent>> ListAsync(EventQuery query, CancellationToken cancellationToken = default);
}
