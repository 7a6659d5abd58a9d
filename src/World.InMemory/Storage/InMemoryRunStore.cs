using World.Backends;

namespace World.InMemory.Storage;

/// <summary>Run reads. Runs are immutable records swapped atomically, so reads take no lock.</summary>
internal sealed class InMemoryRunStore(InMemoryState state) : IRunStore
{
    public Task<WorkflowRun> GetAsync(string runId, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        var mode = ReadRules.ValidateGetRun(runId, options);
        return Task.FromResult(World.Backends.DataResolution.Apply(state.RequireRun(runId).Run, mode));
    }

    public Task<IReadOnlyList<WorkflowRun?>> GetManyAsync(IReadOnlyList<string> runIds, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        var mode = ReadRules.ValidateGetRuns(runIds, options);
        var runs = new WorkflowRun?[runIds.Count];
        for (var i = 0; i < runIds.Count; i++)
        {
            var run = state.FindRun(runIds[i]);
            runs[i] = run is null ? null : World.Backends.DataResolution.Apply(run.Run, mode);
        }

        return Task.FromResult<IReadOnlyList<WorkflowRun?>>(runs);
    }

    public Task<Page<WorkflowRun>> ListAsync(RunQuery? query = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        query ??= new RunQuery();
        var page = ReadRules.ValidateRunQuery(query);
        var filter = ReadRules.RunFilterOf(query);
        if (filter.MatchesNothing)
        {
            return Task.FromResult(new Page<WorkflowRun>([], null, false));
        }

        var ids = state.RunIdsAfter(page.After, page.Order, runId => filter.Matches(state.FindRun(runId)!.Run), page.Limit + 1);
        var runs = ids.Take(page.Limit).Select(id => World.Backends.DataResolution.Apply(state.FindRun(id)!.Run, query.ResolveData)).ToList();
        return Task.FromResult(new Page<WorkflowRun>(runs, runs.Count == 0 ? null : PageCursor.Encode(CursorListing.Runs, PageCursor.Unscoped, runs[^1].RunId), ids.Count > page.Limit));
    }

    public async Task<WorkflowRun> WaitForTerminalStatusAsync(string runId, TimeSpan timeout, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        state.ThrowIfDisposed();
        var mode = ReadRules.ValidateWaitForTerminalStatus(runId, timeout, options);
        var run = state.RequireRun(runId);
        if (!run.Run.Status.IsTerminal() && timeout > TimeSpan.Zero)
        {
            using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(timeout, state.TimeProvider, timeoutSource.Token);
            await Task.WhenAny(run.Terminal, delay).ConfigureAwait(false);
            await timeoutSource.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return World.Backends.DataResolution.Apply(run.Run, mode);
    }
}
