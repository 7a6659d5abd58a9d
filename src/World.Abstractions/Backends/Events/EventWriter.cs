using System.Diagnostics.CodeAnalysis;
using World.Diagnostics;

namespace World.Backends;

/// <summary>
/// The one write path of every backend: <see cref="IEventStore.CreateAsync"/> and
/// <see cref="IEventStore.CreateRunsAsync"/> on top of a backend's <see cref="IEventStorage"/> primitives. It prepares
/// the request, tries the run-creation fast path, opens the run, decides with <see cref="EventRules"/>, commits, and
/// decides again when storage reports a lost race; it checks the rules' invariants and attaches the preloaded log.
/// </summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public sealed class EventWriter
{
    /// <summary>
    /// The most decision rounds of one write. A token claim can lose to a concurrent claim and then see the winner
    /// already released; a few rounds settle it, and a write that cannot settle fails as transient.
    /// </summary>
    public const int MaxDecisionRounds = 16;

    private readonly EventRules _rules;
    private readonly TimeProvider _timeProvider;
    private readonly IEventStorage _storage;
    private readonly string? _databaseSystem;

    /// <summary>Creates the write path of one World.</summary>
    /// <param name="rules">The event rules.</param>
    /// <param name="timeProvider">The World's clock.</param>
    /// <param name="storage">The backend's primitives.</param>
    /// <param name="databaseSystem">The OpenTelemetry <c>db.system.name</c> of the backend (e.g. <c>postgresql</c>) for the <c>events.create</c> spans; null when it is not a database.</param>
    public EventWriter(EventRules rules, TimeProvider timeProvider, IEventStorage storage, string? databaseSystem = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(storage);
        _rules = rules;
        _timeProvider = timeProvider;
        _storage = storage;
        _databaseSystem = databaseSystem;
    }

    /// <summary>Appends one event: the whole of <see cref="IEventStore.CreateAsync"/>.</summary>
    /// <exception cref="WorldException">The request was rejected; nothing was written.</exception>
    public async Task<EventResult> CreateAsync(string? runId, EventRequest request, CreateEventOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= CreateEventOptions.Default;
        var now = EventRules.Now(_timeProvider);
        var prepared = _rules.Prepare(runId, request, now);
        if (!StorageTelemetry.Enabled)
        {
            return await WriteAsync(prepared, now, options, cancellationToken).ConfigureAwait(false);
        }

        var activity = StorageTelemetry.StartCreate(prepared.EventType, prepared.RunId, _databaseSystem);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var result = await WriteAsync(prepared, now, options, cancellationToken).ConfigureAwait(false);
            StorageTelemetry.EndCreate(activity, prepared.EventType, started, exception: null);
            return result;
        }
        catch (Exception exception)
        {
            StorageTelemetry.EndCreate(activity, prepared.EventType, started, exception);
            throw;
        }
    }

    private async Task<EventResult> WriteAsync(PreparedEvent prepared, DateTimeOffset now, CreateEventOptions options, CancellationToken cancellationToken)
    {
        // A run_created usually names a free id: try the one-step insert first.
        var createRun = prepared.EventType == EventType.RunCreated;
        for (var round = 0; round < MaxDecisionRounds; round++)
        {
            if (round > 0)
            {
                StorageTelemetry.RecordConflict(prepared.EventType);
            }

            EventResult? result;
            if (createRun)
            {
                result = await TryCreateRunAsync(prepared, now, options, cancellationToken).ConfigureAwait(false);
                createRun = false; // Lost the creation race: decide again against the winner's run.
            }
            else
            {
                (result, createRun) = await TryAppendAsync(prepared, now, options, cancellationToken).ConfigureAwait(false);
            }

            if (result is not null)
            {
                return DataResolution.Apply(result, options.ResolveData);
            }
        }

        throw new WorldTransientException($"Could not settle a write to workflow run '{prepared.RunId}' under contention; retry the call.");
    }

    /// <summary>Creates several runs: the whole of <see cref="IEventStore.CreateRunsAsync"/>.</summary>
    /// <exception cref="WorldException">An entry was invalid; nothing was written.</exception>
    public async Task<IReadOnlyList<RunCreationResult>> CreateRunsAsync(IReadOnlyList<RunCreationRequest> runs, CreateEventOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= CreateEventOptions.Default;
        var plans = _rules.PlanRunCreations(runs, EventRules.Now(_timeProvider));
        if (plans.Count == 0)
        {
            return [];
        }

        var created = await _storage.InsertRunsAsync(plans, cancellationToken).ConfigureAwait(false);
        if (created.Count != plans.Count)
        {
            throw new InvalidOperationException($"The storage reported {created.Count} outcomes for {plans.Count} run creations.");
        }

        var results = new RunCreationResult[plans.Count];
        for (var i = 0; i < plans.Count; i++)
        {
            results[i] = EventRules.RunCreationOutcome(plans[i], created[i], options.ResolveData);
        }

        return results;
    }

    private async Task<EventResult?> TryCreateRunAsync(PreparedEvent prepared, DateTimeOffset now, CreateEventOptions options, CancellationToken cancellationToken)
    {
        var plan = _rules.Decide(prepared, EventSnapshot.Missing, now).PlanOrThrow();
        if (!plan.CreatesRun)
        {
            throw new InvalidOperationException($"The event rules accepted {prepared.EventType.ToWireName()} on a missing run without creating it.");
        }

        // The new run's log is exactly the plan's events: other writers may append only after the insert published it.
        return await _storage.TryInsertRunAsync(plan, cancellationToken).ConfigureAwait(false) ? WithPreload(plan, plan.Events, options) : null;
    }

    private async Task<(EventResult? Result, bool CreateRun)> TryAppendAsync(PreparedEvent prepared, DateTimeOffset now, CreateEventOptions options, CancellationToken cancellationToken)
    {
        var write = await _storage.OpenRunAsync(prepared, cancellationToken).ConfigureAwait(false);
        if (write is null)
        {
            return (null, false);
        }

        await using (write.ConfigureAwait(false))
        {
            var snapshot = write.Snapshot;
            var decision = _rules.Decide(prepared, snapshot, now);
            if (snapshot.Run is null && decision.Plan is { CreatesRun: true })
            {
                return (null, true); // The run does not exist yet and this event may create it.
            }

            var plan = decision.PlanOrThrow();
            var preload = plan.PreloadsEvents && !options.SkipPreload;
            var commit = await write.CommitAsync(plan, preload, cancellationToken).ConfigureAwait(false);
            if (!commit.Committed)
            {
                return (null, false); // Another run claimed the token since the snapshot: decide again (hook_conflict).
            }

            if (preload && commit.Log is null)
            {
                throw new InvalidOperationException($"The storage committed {prepared.EventType.ToWireName()} without the run's log the plan preloads.");
            }

            return (WithPreload(plan, commit.Log ?? [], options), false);
        }
    }

    private static EventResult WithPreload(EventPlan plan, IReadOnlyList<WorldEvent> log, CreateEventOptions options)
    {
        if (!plan.PreloadsEvents || options.SkipPreload)
        {
            return plan.Result;
        }

        return plan.Result with
        {
            Events = log,
            Cursor = log.Count == 0 ? null : PageCursor.Encode(CursorListing.Events, plan.RunId, log[^1].EventId),
            HasMore = false,
        };
    }
}
