using World.Backends;

namespace World.InMemory.Storage;

/// <summary>Step reads, under the owning run's lock.</summary>
internal sealed class InMemoryStepStore(InMemoryState state) : IStepStore
{
    public Task<Step> GetAsync(string runId, string stepId, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        var mode = ReadRules.ValidateGetStep(runId, stepId, options);
        var run = state.FindRun(runId) ?? throw new EntityNotFoundException(EntityKind.Step, stepId);
        lock (run.Gate)
        {
            var step = run.FindStep(stepId) ?? throw new EntityNotFoundException(EntityKind.Step, stepId);
            return Task.FromResult(World.Backends.DataResolution.Apply(step, mode));
        }
    }

    public Task<Page<Step>> ListAsync(StepQuery query, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        var (runId, page) = ReadRules.ValidateStepQuery(query);
        var run = state.FindRun(runId);
        if (run is null)
        {
            return Task.FromResult(new Page<Step>([], null, false));
        }

        lock (run.Gate)
        {
            return Task.FromResult(ListPaging.Paginate(
                run.StepsInCreationOrder,
                static entry => entry.SortKey,
                page,
                CursorListing.Steps,
                runId,
                entry => World.Backends.DataResolution.Apply(entry.Step, query.ResolveData)));
        }
    }
}
