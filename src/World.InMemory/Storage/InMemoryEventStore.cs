using World.Rules;

namespace World.InMemory.Storage;

/// <summary>
/// The in-memory write path: the shared <see cref="EventRules"/> under the run's lock. Runs are created by publishing
/// a complete state with one atomic insert, so a run is never visible without its <c>run_created</c> event.
/// </summary>
internal sealed class InMemoryEventStore(InMemoryState state) : IEventStore
{
    // A token claim can lose to a concurrent claim and then see the winner already released; a few rounds settle it.
    private const int MaxDecisionRounds = 16;

    public Task<EventResult> CreateAsync(string? runId, EventRequest request, CreateEventOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        options ??= CreateEventOptions.Default;
        var now = EventRules.Now(state.TimeProvider);
        var prepared = state.Rules.Prepare(runId, PayloadCopies.Detach(request), now);

        for (var round = 0; round < MaxDecisionRounds; round++)
        {
            var run = state.FindRun(prepared.RunId);
            var result = run is null ? TryCreateRun(prepared, now, options) : TryAppend(run, prepared, now, options);
            if (result is not null)
            {
                return Task.FromResult(DataResolution.Apply(result, options.ResolveData));
            }
        }

        throw new WorldTransientException($"Could not settle a write to workflow run '{prepared.RunId}' under contention; retry the call.");
    }

    public Task<IReadOnlyList<RunCreationResult>> CreateRunsAsync(IReadOnlyList<RunCreationRequest> runs, CreateEventOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        options ??= CreateEventOptions.Default;
        var now = EventRules.Now(state.TimeProvider);
        var plans = state.Rules.PlanRunCreations(runs?.Select(PayloadCopies.Detach).ToArray()!, now);
        var results = new RunCreationResult[plans.Count];
        for (var i = 0; i < plans.Count; i++)
        {
            results[i] = EventRules.RunCreationOutcome(plans[i], state.TryAddRun(plans[i].RunId, RunState.Create(plans[i])), options.ResolveData);
        }

        return Task.FromResult<IReadOnlyList<RunCreationResult>>(results);
    }

    public Task<WorldEvent> GetAsync(string runId, string eventId, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        var run = state.RequireRun(IdValidation.RequireSafeId(runId, nameof(runId)));
        IdValidation.RequireSafeId(eventId, nameof(eventId));
        var mode = ReadRules.Resolve(options);
        lock (run.Gate)
        {
            var events = run.Events;
            var index = ListPaging.LowerBound(events, static e => e.EventId, eventId, strictly: false);
            if (index == events.Count || events[index].EventId != eventId)
            {
                throw new EntityNotFoundException(EntityKind.Event, eventId);
            }

            return Task.FromResult(DataResolution.Apply(events[index], mode));
        }
    }

    public Task<Page<WorldEvent>> ListAsync(EventQuery query, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        var (runId, page) = ReadRules.ValidateEventQuery(query);
        var run = state.FindRun(runId);
        if (run is null)
        {
            return Task.FromResult(new Page<WorldEvent>([], null, false));
        }

        lock (run.Gate)
        {
            IReadOnlyList<WorldEvent> source = query.CorrelationId is null
                ? run.Events
                : run.Events.Where(e => e.CorrelationId == query.CorrelationId).ToList();
            return Task.FromResult(ListPaging.Paginate(
                source,
                static e => e.EventId,
                page,
                CursorListing.Events,
                runId,
                e => DataResolution.Apply(e, query.ResolveData)));
        }
    }

    private EventResult? TryCreateRun(PreparedEvent prepared, DateTimeOffset now, CreateEventOptions options)
    {
        var plan = state.Rules.Decide(prepared, EventSnapshot.Missing, now).PlanOrThrow();
        if (!plan.CreatesRun)
        {
            throw new InvalidOperationException($"The event rules accepted {prepared.EventType.ToWireName()} on a missing run without creating it.");
        }

        var created = RunState.Create(plan);
        if (!state.TryAddRun(prepared.RunId, created))
        {
            return null; // Lost a creation race: decide again against the winner's state.
        }

        // Other writers may append as soon as the run is published; the new run's log is exactly the plan's events.
        return WithPreload(plan, plan.Events, options);
    }

    private EventResult? TryAppend(RunState run, PreparedEvent prepared, DateTimeOffset now, CreateEventOptions options)
    {
        lock (run.Gate)
        {
            var holder = prepared.Token is null ? null : state.Hooks.HolderOf(prepared.Token);
            var plan = state.Rules.Decide(prepared, run.Snapshot(prepared, holder), now).PlanOrThrow();
            HookEntry? createdHook = null;
            if (plan.CreatedHook is { } hook)
            {
                createdHook = new HookEntry(hook, plan.Events[^1].EventId);
                if (!state.Hooks.TryClaim(createdHook))
                {
                    return null; // Another run claimed the token since the snapshot: decide again (hook_conflict).
                }
            }

            run.Apply(plan, state.Hooks, createdHook);
            return WithPreload(plan, run.Events, options);
        }
    }

    private static EventResult WithPreload(EventPlan plan, IReadOnlyList<WorldEvent> log, CreateEventOptions options)
    {
        if (!plan.PreloadsEvents || options.SkipPreload)
        {
            return plan.Result;
        }

        var events = log.ToArray();
        return plan.Result with
        {
            Events = events,
            Cursor = events.Length == 0 ? null : PageCursor.Encode(CursorListing.Events, plan.RunId, events[^1].EventId),
            HasMore = false,
        };
    }
}
