using World.Backends;

namespace World.InMemory.Storage;

/// <summary>
/// The in-memory event store: writes go through the shared <see cref="EventWriter"/> on <see cref="InMemoryEventStorage"/>
/// after detaching the caller's buffers; reads come from the run's log under its lock.
/// </summary>
internal sealed class InMemoryEventStore(InMemoryState state) : IEventStore
{
    private readonly EventWriter _writer = new(state.Rules, state.TimeProvider, new InMemoryEventStorage(state));

    public Task<EventResult> CreateAsync(string? runId, EventRequest request, CreateEventOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        return _writer.CreateAsync(runId, PayloadCopies.Detach(request), options, cancellationToken);
    }

    public Task<IReadOnlyList<RunCreationResult>> CreateRunsAsync(IReadOnlyList<RunCreationRequest> runs, CreateEventOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        return _writer.CreateRunsAsync(runs?.Select(PayloadCopies.Detach).ToArray()!, options, cancellationToken);
    }

    public Task<WorldEvent> GetAsync(string runId, string eventId, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        var mode = ReadRules.ValidateGetEvent(runId, eventId, options);
        var run = state.RequireRun(runId);
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
}
