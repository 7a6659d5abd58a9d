using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>
/// The storage primitives a backend supplies for the write path; <see cref="EventWriter"/> drives them and owns
/// everything else (validation, decision rounds, the run-creation fast path, invariants, preload, result shaping).
/// </summary>
/// <remarks>
/// Each primitive is atomic on its own. Uniqueness is storage's final guard: runs by id, creation events per
/// (run, correlation id, type), live hook tokens. A primitive that loses a race to a concurrent writer reports it
/// (false or null) instead of throwing, and the writer decides again on fresh state.
/// </remarks>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public interface IEventStorage
{
    /// <summary>
    /// Inserts the run of a plan that creates it (<see cref="EventPlan.CreatesRun"/>) together with
    /// <see cref="EventPlan.Events"/>, in one atomic step, only if no run has its id.
    /// </summary>
    /// <returns>False when the id is taken (or the insert lost another race): the writer decides again against the stored run.</returns>
    ValueTask<bool> TryInsertRunAsync(EventPlan plan, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts the runs of several creation plans in one atomic step, each only if its id is free. Take insert locks in
    /// run-id order if storage takes any, so two batches naming the same ids cannot deadlock.
    /// </summary>
    /// <returns>For each plan, in the given order, whether its run was inserted.</returns>
    ValueTask<IReadOnlyList<bool>> InsertRunsAsync(IReadOnlyList<EventPlan> plans, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the run's write lock and loads what <paramref name="prepared"/> asks for (<see cref="PreparedEvent.Target"/>,
    /// <see cref="PreparedEvent.RequiresUniqueCorrelation"/>, <see cref="PreparedEvent.Token"/>). The lock is held until
    /// the returned write is committed or disposed. A missing run gives <see cref="EventSnapshot.Missing"/>.
    /// </summary>
    /// <returns>The open write; null when opening lost a race (the writer tries again).</returns>
    ValueTask<IRunWrite?> OpenRunAsync(PreparedEvent prepared, CancellationToken cancellationToken);
}
