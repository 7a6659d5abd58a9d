using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using World.Backends;
using World.Runtime.Diagnostics;
using World.Runtime.Execution;

namespace World.Runtime;

/// <summary>
/// The admin API over any <see cref="IWorld"/>: the one code path of the <c>world</c> tool, the dashboard and tests.
/// Every answer is composed from the World's public contract, so it behaves the same on every backend.
/// </summary>
public sealed class WorldAdmin : IWorldAdmin
{
    private readonly IWorld _world;
    private readonly WorldAdminOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the admin API of <paramref name="world"/>.</summary>
    public WorldAdmin(IWorld world, WorldAdminOptions? options = null, ILogger<WorldAdmin>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        _world = world;
        _options = options ?? new WorldAdminOptions();
        IdValidation.RequireName(_options.QueueName, nameof(WorldAdminOptions.QueueName));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public Task<Page<WorkflowRun>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return _world.Runs.ListAsync(query, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RunDetail> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        var run = await _world.Runs.GetAsync(runId, ReadOptions.WithoutData, cancellationToken).ConfigureAwait(false);
        var steps = await _world.Steps.ListAsync(
            new StepQuery(runId) { ResolveData = ResolveData.None, Page = new PageRequest { Limit = RunDetail.MaxItems, SortOrder = SortOrder.Ascending } },
            cancellationToken).ConfigureAwait(false);
        var hooks = await _world.Hooks.ListAsync(
            new HookQuery { RunId = runId, ResolveData = ResolveData.None, Page = new PageRequest { Limit = RunDetail.MaxItems } },
            cancellationToken).ConfigureAwait(false);
        var children = await ChildrenAsync(runId, RunDetail.MaxItems, cancellationToken).ConfigureAwait(false);

        // Waits have no listing of their own: they are folded from the log, which the per-run event ceiling bounds.
        var waits = new Dictionary<string, Wait>(StringComparer.Ordinal);
        var eventCount = 0;
        string? cursor = null;
        do
        {
            var events = await _world.Events.ListAsync(
                new EventQuery(runId) { ResolveData = ResolveData.None, Page = new PageRequest { Limit = PageRequest.MaxLimit, Cursor = cursor } },
                cancellationToken).ConfigureAwait(false);
            eventCount += events.Data.Count;
            foreach (var worldEvent in events.Data)
            {
                Fold(waits, worldEvent);
            }

            cursor = events.HasMore ? events.Cursor : null;
        }
        while (cursor is not null);

        return new RunDetail
        {
            Run = run,
            Steps = steps.Data,
            MoreSteps = steps.HasMore,
            Hooks = hooks.Data,
            MoreHooks = hooks.HasMore,
            Waits = [.. waits.Values],
            Children = children.Data,
            MoreChildren = children.HasMore,
            EventCount = eventCount,
            Dispatch = run.Status.IsTerminal()
                ? null
                : await _world.Queue.GetDispatchStatusAsync(DispatchQuery.ForKey(_options.QueueName, runId), cancellationToken).ConfigureAwait(false),
        };
    }

    /// <inheritdoc />
    public async Task<Page<WorldEvent>> ListRunEventsAsync(string runId, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        // The log of a missing run is an empty page; an operator asking about a wrong id gets "not found" instead.
        await _world.Runs.GetAsync(runId, ReadOptions.WithoutData, cancellationToken).ConfigureAwait(false);
        return await _world.Events.ListAsync(new EventQuery(runId) { ResolveData = ResolveData.None, Page = page ?? PageRequest.Default }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<RunTreeNode> GetRunTreeAsync(string runId, CancellationToken cancellationToken = default)
    {
        var root = await _world.Runs.GetAsync(runId, ReadOptions.WithoutData, cancellationToken).ConfigureAwait(false);
        var walk = await WalkAsync(root, cancellationToken).ConfigureAwait(false);
        return Build(root);

        RunTreeNode Build(WorkflowRun run) => new()
        {
            Run = run,
            Children = walk.Children.TryGetValue(run.RunId, out var children) ? [.. children.Select(Build)] : [],
            Truncated = walk.Truncated.Contains(run.RunId),
        };
    }

    /// <inheritdoc />
    public async Task<RunCancellation> CancelRunAsync(string runId, bool includeDescendants, string? reason = null, CancellationToken cancellationToken = default)
    {
        // Every argument is checked before anything is read or changed, in parameter order.
        IdValidation.RequireSafeId(runId, "runId");
        TextRules.RequireText(reason, "reason", EventRules.MaxCancelReasonBytes);
        var root = await _world.Runs.GetAsync(runId, ReadOptions.WithoutData, cancellationToken).ConfigureAwait(false);
        var cancelled = new List<string>();
        var ended = new List<string>();
        var truncated = false;

        // The requested run first, so it cannot start new children while its descendants are being cancelled.
        var order = new List<WorkflowRun> { root };
        if (includeDescendants)
        {
            var walk = await WalkAsync(root, cancellationToken).ConfigureAwait(false);
            order.AddRange(walk.TopDown.Skip(1));
            truncated = walk.Truncated.Count > 0;
        }

        foreach (var run in order)
        {
            (await CancelOneAsync(run, reason, cancellationToken).ConfigureAwait(false) ? cancelled : ended).Add(run.RunId);
        }

        return new RunCancellation { Cancelled = cancelled, AlreadyEnded = ended, Truncated = truncated };
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueStats>> GetQueuesAsync(CancellationToken cancellationToken = default) =>
        _world.Queue.GetStatsAsync(null, cancellationToken);

    /// <inheritdoc />
    public Task<Page<DeadLetter>> ListDeadLettersAsync(DeadLetterQuery? query = null, CancellationToken cancellationToken = default) =>
        _world.Queue.ListDeadLettersAsync(query, cancellationToken);

    /// <inheritdoc />
    public Task<DeadLetter> GetDeadLetterAsync(string messageId, CancellationToken cancellationToken = default) =>
        _world.Queue.GetDeadLetterAsync(messageId, cancellationToken);

    /// <inheritdoc />
    public async Task<DeadLetterBatchResult> ReplayDeadLettersAsync(DeadLetterSelection selection, CancellationToken cancellationToken = default)
    {
        var (ids, failed, hasMore) = await SelectAsync(selection, cancellationToken).ConfigureAwait(false);
        var done = new List<string>();
        foreach (var id in ids)
        {
            try
            {
                await _world.Queue.ReplayDeadLetterAsync(id, cancellationToken).ConfigureAwait(false);
                done.Add(id);
            }
            catch (Exception exception) when (exception is EntityNotFoundException or EntityConflictException)
            {
                // Gone meanwhile (replayed or purged by someone else), or a live message holds its key: report and go on.
                failed[id] = ((WorldException)exception).Code;
            }
        }

        return new DeadLetterBatchResult { Done = done, Failed = failed, HasMore = hasMore };
    }

    /// <inheritdoc />
    public async Task<DeadLetterBatchResult> PurgeDeadLettersAsync(DeadLetterSelection selection, CancellationToken cancellationToken = default)
    {
        var (ids, failed, hasMore) = await SelectAsync(selection, cancellationToken).ConfigureAwait(false);
        if (ids.Count == 0)
        {
            return new DeadLetterBatchResult { Done = [], Failed = failed, HasMore = hasMore };
        }

        // Purge by id, so a dead letter arriving after the selection was read is never deleted unseen. One purged
        // meanwhile by someone else is gone either way, which is what the caller asked for.
        await _world.Queue.PurgeDeadLettersAsync(selection.QueueName, [.. ids], cancellationToken).ConfigureAwait(false);
        return new DeadLetterBatchResult { Done = ids, Failed = failed, HasMore = hasMore };
    }

    /// <inheritdoc />
    public Task<Page<Schedule>> ListSchedulesAsync(ScheduleQuery? query = null, CancellationToken cancellationToken = default) =>
        _world.Schedules.ListAsync(query, cancellationToken);

    /// <inheritdoc />
    public async Task<ScheduleDetail> GetScheduleAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        var schedule = await _world.Schedules.GetAsync(scheduleId, cancellationToken).ConfigureAwait(false);
        var next = await _world.Schedules.PreviewAsync(scheduleId, ScheduleDetail.Count, cancellationToken).ConfigureAwait(false);
        var fires = await _world.Schedules.ListFiresAsync(
            new ScheduleFireQuery { ScheduleId = scheduleId, Page = new PageRequest { Limit = ScheduleDetail.Count, SortOrder = SortOrder.Descending } },
            cancellationToken).ConfigureAwait(false);
        return new ScheduleDetail { Schedule = schedule, NextTicks = next, RecentFires = fires.Data };
    }

    /// <inheritdoc />
    public Task<Schedule> SetScheduleEnabledAsync(string scheduleId, bool enabled, string? note = null, CancellationToken cancellationToken = default) =>
        enabled ? _world.Schedules.ResumeAsync(scheduleId, cancellationToken) : _world.Schedules.PauseAsync(scheduleId, note, cancellationToken);

    /// <inheritdoc />
    public Task<ScheduleFire> TriggerScheduleAsync(string scheduleId, CancellationToken cancellationToken = default) =>
        _world.Schedules.TriggerNowAsync(scheduleId, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DateTimeOffset>> PreviewScheduleAsync(string scheduleId, int count, CancellationToken cancellationToken = default) =>
        _world.Schedules.PreviewAsync(scheduleId, count, cancellationToken);

    /// <inheritdoc />
    public Task<SchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken = default) =>
        _world is IWorldSchema schema ? schema.GetSchemaStatusAsync(cancellationToken) : Task.FromResult(SchemaStatus.NotManaged);

    /// <inheritdoc />
    public Task<SchemaStatus> MigrateAsync(CancellationToken cancellationToken = default) =>
        _world is IWorldSchema schema ? schema.MigrateSchemaAsync(cancellationToken) : Task.FromResult(SchemaStatus.NotManaged);

    /// <inheritdoc />
    public async Task<WorldHealthReport> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var schema = await GetSchemaStatusAsync(cancellationToken).ConfigureAwait(false);
            if (!schema.IsCurrent)
            {
                return new WorldHealthReport
                {
                    Problems = [$"The schema is at version {schema.CurrentVersion}; this build needs {schema.LatestVersion} ({schema.PendingMigrations.Count} pending migration(s)). Run 'world migrate'."],
                    Schema = schema,
                    Queues = [],
                };
            }

            await _world.Runs.ListAsync(new RunQuery { ResolveData = ResolveData.None, Page = new PageRequest { Limit = 1 } }, cancellationToken).ConfigureAwait(false);
            var queues = await GetQueuesAsync(cancellationToken).ConfigureAwait(false);
            return new WorldHealthReport { Problems = [], Schema = schema, Queues = queues };
        }
        catch (Exception exception) when (WorldFaults.Classify(exception) is WorldFaultKind.Transient or WorldFaultKind.Configuration)
        {
            // The messages come from the World and its driver; they name hosts, users and databases, never the password.
            LogUnhealthy(_logger, exception.GetType().Name);
            return new WorldHealthReport { Problems = [$"The World does not answer: {WorldFaults.Describe(exception)}"], Queues = [] };
        }
    }

    private static void Fold(Dictionary<string, Wait> waits, WorldEvent worldEvent)
    {
        if (worldEvent.CorrelationId is not { } correlationId)
        {
            return;
        }

        switch (worldEvent.Data)
        {
            case WaitCreated created:
                waits[correlationId] = new Wait
                {
                    WaitId = Wait.ComposeId(worldEvent.RunId, correlationId),
                    RunId = worldEvent.RunId,
                    CorrelationId = correlationId,
                    Status = WaitStatus.Waiting,
                    ResumeAt = created.ResumeAt,
                    CreatedAt = worldEvent.CreatedAt,
                    UpdatedAt = worldEvent.CreatedAt,
                    SpecVersion = worldEvent.SpecVersion,
                };
                break;
            case WaitCompleted when waits.TryGetValue(correlationId, out var wait):
                waits[correlationId] = wait with { Status = WaitStatus.Completed, CompletedAt = worldEvent.CreatedAt, UpdatedAt = worldEvent.CreatedAt };
                break;
        }
    }

    private Task<Page<WorkflowRun>> ChildrenAsync(string runId, int limit, CancellationToken cancellationToken, string? cursor = null) =>
        _world.Runs.ListAsync(
            new RunQuery { ParentRunId = runId, ResolveData = ResolveData.None, Page = new PageRequest { Limit = limit, Cursor = cursor, SortOrder = SortOrder.Ascending } },
            cancellationToken);

    /// <summary>Visits the run's descendants breadth first, at most <see cref="RunTreeNode.MaxRuns"/> runs in all.</summary>
    private async Task<Walk> WalkAsync(WorkflowRun root, CancellationToken cancellationToken)
    {
        var walk = new Walk();
        walk.TopDown.Add(root);
        walk.Seen.Add(root.RunId);
        for (var next = 0; next < walk.TopDown.Count; next++)
        {
            var parent = walk.TopDown[next];
            string? cursor = null;
            do
            {
                var room = RunTreeNode.MaxRuns - walk.TopDown.Count;
                if (room <= 0)
                {
                    walk.Truncated.Add(parent.RunId);
                    break;
                }

                var page = await ChildrenAsync(parent.RunId, room, cancellationToken, cursor).ConfigureAwait(false);
                foreach (var child in page.Data)
                {
                    // Lineage attributes are written by the runtime; a cycle is impossible there, but the walk does not rely on it.
                    if (walk.Seen.Add(child.RunId))
                    {
                        walk.TopDown.Add(child);
                        (walk.Children.TryGetValue(parent.RunId, out var list) ? list : walk.Children[parent.RunId] = []).Add(child);
                    }
                }

                cursor = page.HasMore ? page.Cursor : null;
            }
            while (cursor is not null);
        }

        return walk;
    }

    /// <summary>Cancels one run unless it ended; wakes its parent, which may be waiting for it. True when this call cancelled it.</summary>
    private async Task<bool> CancelOneAsync(WorkflowRun run, string? reason, CancellationToken cancellationToken)
    {
        if (run.Status.IsTerminal())
        {
            return false;
        }

        EventResult result;
        try
        {
            result = await _world.Events.CreateAsync(run.RunId, new EventRequest(new RunCancelled(reason)), new CreateEventOptions { ResolveData = ResolveData.None }, cancellationToken).ConfigureAwait(false);
        }
        catch (EntityConflictException)
        {
            // It ended between the read and the cancel.
            return false;
        }

        if (result.Run is { } cancelled)
        {
            RuntimeLog.RunCancelled(_logger, cancelled.RunId, cancelled.WorkflowName);
            RuntimeTelemetry.RunCancelled(cancelled.WorkflowName, cancelled.UpdatedAt - cancelled.CreatedAt);
            if (cancelled.Attributes.TryGetValue(RunLineage.ParentRunId, out var parentRunId))
            {
                await _world.Queue.EnqueueAsync(_options.QueueName, System.Text.Encoding.UTF8.GetBytes(parentRunId), WorkflowEngine.InvocationOptions(parentRunId, wake: true), cancellationToken).ConfigureAwait(false);
            }
        }

        return true;
    }

    /// <summary>The dead letters a selection takes, and the named ones it cannot (missing, or of another queue) with the code saying why.</summary>
    private async Task<(IReadOnlyList<string> Ids, Dictionary<string, string> Failed, bool HasMore)> SelectAsync(DeadLetterSelection selection, CancellationToken cancellationToken)
    {
        if (selection is null)
        {
            throw new WorldValidationException("A dead-letter selection is required.", "selection");
        }

        IdValidation.OptionalName(selection.QueueName, "queueName");
        if (selection.Limit is < 1 or > PageRequest.MaxLimit)
        {
            throw new WorldValidationException($"limit must be 1 to {PageRequest.MaxLimit}; got {selection.Limit}.", "limit");
        }

        if (selection.MessageIds is not null)
        {
            if (selection.MessageIds.Count > selection.Limit)
            {
                throw new WorldValidationException($"messageIds names {selection.MessageIds.Count} dead letters, more than the limit of {selection.Limit}.", "messageIds");
            }

            foreach (var id in selection.MessageIds)
            {
                ReadRules.ValidateDeadLetterId(id);
            }

            var chosen = new List<string>();
            var missing = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var id in selection.MessageIds.Distinct(StringComparer.Ordinal))
            {
                // A named dead letter of another queue is not part of a selection that names a queue.
                var letter = await FindAsync(id, cancellationToken).ConfigureAwait(false);
                if (letter is not null && (selection.QueueName is null || string.Equals(letter.QueueName, selection.QueueName, StringComparison.Ordinal)))
                {
                    chosen.Add(id);
                }
                else
                {
                    missing[id] = WorldErrorCodes.DeadLetterNotFound;
                }
            }

            return (chosen, missing, false);
        }

        var page = await _world.Queue.ListDeadLettersAsync(
            new DeadLetterQuery { QueueName = selection.QueueName, Page = new PageRequest { Limit = selection.Limit } },
            cancellationToken).ConfigureAwait(false);
        return ([.. page.Data.Select(static letter => letter.MessageId)], new Dictionary<string, string>(StringComparer.Ordinal), page.HasMore);
    }

    private async Task<DeadLetter?> FindAsync(string messageId, CancellationToken cancellationToken)
    {
        try
        {
            return await _world.Queue.GetDeadLetterAsync(messageId, cancellationToken).ConfigureAwait(false);
        }
        catch (EntityNotFoundException)
        {
            return null;
        }
    }

    private static void LogUnhealthy(ILogger logger, string errorType) => UnhealthyMessage(logger, errorType, null);

    private static readonly Action<ILogger, string, Exception?> UnhealthyMessage =
        LoggerMessage.Define<string>(LogLevel.Warning, new EventId(401, "WorldUnhealthy"), "World health check failed: {ErrorType}");

    private sealed class Walk
    {
        public List<WorkflowRun> TopDown { get; } = [];

        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, List<WorkflowRun>> Children { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Truncated { get; } = new(StringComparer.Ordinal);
    }
}
