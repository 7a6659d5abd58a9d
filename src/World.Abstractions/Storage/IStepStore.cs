namespace World;

/// <summary>Read access to steps. Steps change only through <see cref="IEventStore.CreateAsync"/>.</summary>
public interface IStepStore
{
    /// <summary>Gets a step of a run.</summary>
    /// <exception cref="EntityNotFoundException">No such step (code <c>STEP_NOT_FOUND</c>).</exception>
    Task<Step> GetAsync(string runId, string stepId, ReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Lists a run's steps in creation order, newest first by default.</summary>
    Task<Page<Step>> ListAsync(StepQuery query, CancellationToken cancellationToken = default);
}
