using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>
/// A run opened for write by <see cref="IEventStorage.OpenRunAsync"/>: its snapshot, read under the run's write lock,
/// and the commit of one plan decided on it. Disposing releases the lock and discards an uncommitted write.
/// </summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public interface IRunWrite : IAsyncDisposable
{
    /// <summary>The state the rules decide on; <see cref="EventSnapshot.Missing"/> when the run does not exist.</summary>
    EventSnapshot Snapshot { get; }

    /// <summary>
    /// Commits <paramref name="plan"/> atomically: appends <see cref="EventPlan.Events"/> in order and applies every
    /// entity change the plan names (docs/backend-authors.md lists them). Called at most once.
    /// </summary>
    /// <param name="plan">The plan the rules returned for <see cref="Snapshot"/>.</param>
    /// <param name="readLog">Whether to return the run's whole log as of this commit (for preload).</param>
    /// <param name="cancellationToken">Cancels the commit.</param>
    /// <returns>The commit, or <see cref="RunCommit.LostRace"/> when a uniqueness guard fired (the writer decides again).</returns>
    ValueTask<RunCommit> CommitAsync(EventPlan plan, bool readLog, CancellationToken cancellationToken);
}
