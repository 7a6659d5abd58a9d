using World.Backends;

namespace World.Naive.Tests;

/// <summary>
/// The naive World's reads (runs, steps, events, hooks) and its event store. Writes go through the shared
/// <see cref="EventWriter"/>; every read validates with <see cref="ReadRules"/>, then looks at the dictionaries under the lock.
/// </summary>
internal sealed class NaiveStores(NaiveState state) : IRunStore, IStepStore, IEventStore, IHookStore
{
    private readonly EventWriter _writer = new(state.Rules, state.TimeProvider, new NaiveEventStorage(state));

    // Plain dictionaries keep what they are given: detach the caller's buffers and collections first.
    public Task<EventResult> CreateAsync(string? runId, EventRequest request, CreateEventOptions? options = null, CancellationToken cancellationToken = default) =>
        _writer.CreateAsync(runId, PayloadCopies.Detach(request), options, cancellationToken);

    public Task<IReadOnlyList<RunCreationResult>> CreateRunsAsync(IReadOnlyList<RunCreationRequest> runs, CreateEventOptions? options = null, CancellationToken cancellationToken = default) =>
        _writer.CreateRunsAsync(runs?.Select(PayloadCopies.Detach).ToArray()!, options, cancellationToken);

    public Task<WorkflowRun> GetAsync(string runId, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var mode = ReadRules.ValidateGetRun(runId, options);
        lock (state.Gate)
        {
            return Task.FromResult(DataResolution.Apply(state.Runs.GetValueOrDefault(runId) ?? throw new RunNotFoundException(runId), mode));
        }
    }

    public Task<IReadOnlyList<WorkflowRun?>> GetManyAsync(IReadOnlyList<string> runIds, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var mode = ReadRules.ValidateGetRuns(runIds, options);
        lock (state.Gate)
        {
            return Task.FromResult<IReadOnlyList<WorkflowRun?>>([.. runIds.Select(id => state.Runs.GetValueOrDefault(id) is { } run ? DataResolution.Apply(run, mode) : null)]);
        }
    }

    public Task<Page<WorkflowRun>> ListAsync(RunQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new RunQuery();
        var page = ReadRules.ValidateRunQuery(query);
        lock (state.Gate)
        {
            var filter = ReadRules.RunFilterOf(query);
            var runs = state.Runs.Values.Where(filter.Matches);
            return Task.FromResult(NaivePaging.Page(runs, run => run.RunId, page, CursorListing.Runs, PageCursor.Unscoped, run => DataResolution.Apply(run, query.ResolveData)));
        }
    }

    public async Task<WorkflowRun> WaitForTerminalStatusAsync(string runId, TimeSpan timeout, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var mode = ReadRules.ValidateWaitForTerminalStatus(runId, timeout, options);
        var deadline = state.TimeProvider.GetUtcNow() + timeout;
        while (true)
        {
            Task changed;
            lock (state.Gate)
            {
                var run = state.Runs.GetValueOrDefault(runId) ?? throw new RunNotFoundException(runId);
                var remaining = deadline - state.TimeProvider.GetUtcNow();
                if (run.Status.IsTerminal() || remaining <= TimeSpan.Zero)
                {
                    return DataResolution.Apply(run, mode);
                }

                changed = state.Changed;
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(changed, Task.Delay(deadline - state.TimeProvider.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero, state.TimeProvider, wake.Token)).ConfigureAwait(false);
            await wake.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public Task<Step> GetAsync(string runId, string stepId, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var mode = ReadRules.ValidateGetStep(runId, stepId, options);
        lock (state.Gate)
        {
            return state.Steps.TryGetValue((runId, stepId), out var step)
                ? Task.FromResult(DataResolution.Apply(step.Step, mode))
                : throw new EntityNotFoundException(EntityKind.Step, stepId);
        }
    }

    public Task<Page<Step>> ListAsync(StepQuery query, CancellationToken cancellationToken = default)
    {
        var (runId, page) = ReadRules.ValidateStepQuery(query);
        lock (state.Gate)
        {
            var steps = state.Steps.Where(pair => pair.Key.RunId == runId).Select(pair => pair.Value);
            var listed = NaivePaging.Page(steps, step => step.CreatedEventId, page, CursorListing.Steps, runId, step => step);
            return Task.FromResult(new Page<Step>([.. listed.Data.Select(step => DataResolution.Apply(step.Step, query.ResolveData))], listed.Cursor, listed.HasMore));
        }
    }

    Task<WorldEvent> IEventStore.GetAsync(string runId, string eventId, ReadOptions? options, CancellationToken cancellationToken)
    {
        var mode = ReadRules.ValidateGetEvent(runId, eventId, options);
        lock (state.Gate)
        {
            var log = state.Logs.GetValueOrDefault(runId) ?? throw new RunNotFoundException(runId);
            var found = log.Find(e => e.EventId == eventId) ?? throw new EntityNotFoundException(EntityKind.Event, eventId);
            return Task.FromResult(DataResolution.Apply(found, mode));
        }
    }

    public Task<Page<WorldEvent>> ListAsync(EventQuery query, CancellationToken cancellationToken = default)
    {
        var (runId, page) = ReadRules.ValidateEventQuery(query);
        lock (state.Gate)
        {
            var events = state.Logs.GetValueOrDefault(runId) ?? [];
            var matching = events.Where(e => query.CorrelationId is null || e.CorrelationId == query.CorrelationId);
            return Task.FromResult(NaivePaging.Page(matching, e => e.EventId, page, CursorListing.Events, runId, e => DataResolution.Apply(e, query.ResolveData)));
        }
    }

    Task<Hook> IHookStore.GetAsync(string hookId, ReadOptions? options, CancellationToken cancellationToken)
    {
        var mode = ReadRules.ValidateGetHook(hookId, options);
        lock (state.Gate)
        {
            var hook = state.Hooks.Values.Where(entry => entry.Hook.HookId == hookId).OrderBy(entry => entry.CreatedEventId, StringComparer.Ordinal).Select(entry => entry.Hook).FirstOrDefault();
            return Task.FromResult(DataResolution.Apply(hook ?? throw new HookNotFoundException(hookId), mode));
        }
    }

    public Task<Hook> GetByTokenAsync(string token, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var mode = ReadRules.ValidateGetHookByToken(token, options);
        lock (state.Gate)
        {
            return Task.FromResult(DataResolution.Apply(state.TokenHolder(token) ?? throw new HookNotFoundException(token, byToken: true), mode));
        }
    }

    public Task<Page<Hook>> ListAsync(HookQuery? query = null, CancellationToken cancellationToken = default)
    {
        (query, var page) = ReadRules.ValidateHookQuery(query);
        lock (state.Gate)
        {
            var hooks = state.Hooks.Values.Where(entry => query.RunId is null || entry.Hook.RunId == query.RunId);
            var listed = NaivePaging.Page(hooks, entry => entry.CreatedEventId, page, CursorListing.Hooks, query.RunId ?? PageCursor.Unscoped, entry => entry);
            return Task.FromResult(new Page<Hook>([.. listed.Data.Select(entry => DataResolution.Apply(entry.Hook, query.ResolveData))], listed.Cursor, listed.HasMore));
        }
    }
}
