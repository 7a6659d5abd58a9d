namespace World.InMemory.Storage;

/// <summary>Step reads, under the owning run's lock.</summary>
internal sealed class InMemoryStepStore(InMemoryState state) : IStepStore
{
    public Task<Step> GetAsync(string runId, string stepId, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        IdValidation.RequireSafeId(runId, nameof(runId));
        IdValidation.RequireSafeId(stepId, nameof(stepId));
        var run = state.FindRun(runId) ?? throw new EntityNotFoundException(EntityKind.Step, stepId);
        lock (run.Gate)
        {
            var step = run.FindStep(stepId) ?? throw new EntityNotFoundException(EntityKind.Step, stepId);
            return Task.FromResult(Rules.DataResolution.Apply(step, (options ?? ReadOptions.Default).ResolveData));
        }
    }

    public Task<Page<Step>> ListAsync(StepQuery query, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        if (query is null)
        {
            throw new WorldValidationException("A step query with a runId is required.", nameof(query));
        }

        var run = state.FindRun(IdValidation.RequireSafeId(query.RunId, "runId"));
        if (run is null)
        {
            return Task.FromResult(ListPaging.Empty<Step>(query.Page, StepQuery.DefaultLimit));
        }

        lock (run.Gate)
        {
            return Task.FromResult(ListPaging.Paginate(
                run.StepsInCreationOrder,
                static entry => entry.SortKey,
                query.Page,
                StepQuery.DefaultLimit,
                SortOrder.Descending,
                entry => Rules.DataResolution.Apply(entry.Step, query.ResolveData)));
        }
    }
}
