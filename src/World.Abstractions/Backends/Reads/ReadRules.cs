using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>
/// Validation of read requests, in one place for every backend: queries, read options, filters and timeouts. A bad
/// read is a <see cref="WorldValidationException"/> naming the field, exactly as a bad write is.
/// </summary>
/// <remarks>
/// One rule for every read: all arguments are checked, in the order of the method's parameters, before anything is
/// looked up, so a call with several bad arguments names the first of them and a bad argument is reported as such
/// even when the entity it points at does not exist (kit: <c>ValidationTests.Reads_check_every_argument_before_looking_up</c>).
/// </remarks>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public static class ReadRules
{
    /// <summary>The most run ids one <see cref="IRunStore.GetManyAsync"/> may read.</summary>
    public const int MaxGetMany = WorldLimits.MaxGetMany;

    /// <summary>Validates the arguments of <see cref="IRunStore.GetAsync"/>; returns the data resolution to apply.</summary>
    public static ResolveData ValidateGetRun(string runId, ReadOptions? options)
    {
        IdValidation.RequireSafeId(runId, "runId");
        return Resolve(options);
    }

    /// <summary>Validates the arguments of <see cref="IRunStore.GetManyAsync"/> (at most <see cref="MaxGetMany"/> ids); returns the data resolution.</summary>
    public static ResolveData ValidateGetRuns(IReadOnlyList<string> runIds, ReadOptions? options)
    {
        ValidateRunIds(runIds);
        return Resolve(options);
    }

    /// <summary>Validates the arguments of <see cref="IRunStore.WaitForTerminalStatusAsync"/>; returns the data resolution.</summary>
    public static ResolveData ValidateWaitForTerminalStatus(string runId, TimeSpan timeout, ReadOptions? options)
    {
        IdValidation.RequireSafeId(runId, "runId");
        RequireTimeout(timeout);
        return Resolve(options);
    }

    /// <summary>Validates the arguments of <see cref="IStepStore.GetAsync"/>; returns the data resolution.</summary>
    public static ResolveData ValidateGetStep(string runId, string stepId, ReadOptions? options)
    {
        IdValidation.RequireSafeId(runId, "runId");
        IdValidation.RequireSafeId(stepId, "stepId");
        return Resolve(options);
    }

    /// <summary>Validates the arguments of <see cref="IEventStore.GetAsync"/>; returns the data resolution.</summary>
    public static ResolveData ValidateGetEvent(string runId, string eventId, ReadOptions? options)
    {
        IdValidation.RequireSafeId(runId, "runId");
        IdValidation.RequireSafeId(eventId, "eventId");
        return Resolve(options);
    }

    /// <summary>Validates the arguments of <see cref="IHookStore.GetAsync"/>; returns the data resolution.</summary>
    public static ResolveData ValidateGetHook(string hookId, ReadOptions? options)
    {
        IdValidation.RequireSafeId(hookId, "hookId");
        return Resolve(options);
    }

    /// <summary>Validates the arguments of <see cref="IHookStore.GetByTokenAsync"/>; returns the data resolution.</summary>
    public static ResolveData ValidateGetHookByToken(string token, ReadOptions? options)
    {
        IdValidation.RequireName(token, "token");
        return Resolve(options);
    }

    /// <summary>Validates the message id of a dead-letter read or replay.</summary>
    public static string ValidateDeadLetterId(string messageId) => IdValidation.RequireSafeId(messageId, "messageId");

    /// <summary>Validates the arguments of <see cref="IWorldQueue.PurgeDeadLettersAsync"/>.</summary>
    public static void ValidatePurge(string? queueName, IReadOnlyCollection<string>? messageIds)
    {
        IdValidation.OptionalName(queueName, "queueName");
        ValidateMessageIds(messageIds);
    }

    /// <summary>Validates read options and returns the data resolution they ask for (the default when null).</summary>
    /// <exception cref="WorldValidationException">The resolution is not a defined value.</exception>
    public static ResolveData Resolve(ReadOptions? options) => RequireResolveData((options ?? ReadOptions.Default).ResolveData);

    /// <summary>Throws unless <paramref name="mode"/> is a defined <see cref="ResolveData"/>.</summary>
    public static ResolveData RequireResolveData(ResolveData mode) =>
        Enum.IsDefined(mode) ? mode : throw new WorldValidationException($"resolveData {(int)mode} is not a defined ResolveData.", "resolveData");

    /// <summary>Validates a run listing: its filters, data resolution and page; returns the page to read.</summary>
    /// <exception cref="WorldValidationException">A part of the query is invalid; the field names it.</exception>
    public static ResolvedPage ValidateRunQuery(RunQuery query)
    {
        if (query is null)
        {
            throw new WorldValidationException("A run query is required.", "query");
        }

        RunFilterOf(query);
        RequireResolveData(query.ResolveData);
        return PageCursor.Resolve(query.Page, RunQuery.DefaultLimit, SortOrder.Descending, CursorListing.Runs, PageCursor.Unscoped);
    }

    /// <summary>
    /// Validates the filters of a run listing and returns them in the form a backend applies: the parent and schedule
    /// filters become attribute conditions on <see cref="RunLineage.ParentRunId"/> and <see cref="ScheduleAttributes.ScheduleId"/>.
    /// </summary>
    /// <exception cref="WorldValidationException">A filter is invalid; the field names it.</exception>
    public static RunFilter RunFilterOf(RunQuery query)
    {
        if (query is null)
        {
            throw new WorldValidationException("A run query is required.", "query");
        }

        IdValidation.OptionalName(query.WorkflowName, "workflowName");
        if (query.Statuses is not null)
        {
            foreach (var status in query.Statuses)
            {
                if (!Enum.IsDefined(status))
                {
                    throw new WorldValidationException($"statuses: {(int)status} is not a defined RunStatus.", "statuses");
                }
            }
        }

        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (query.Attributes is not null)
        {
            foreach (var (key, value) in query.Attributes)
            {
                IdValidation.RequireKey(key, "attributes", AttributeRules.MaxKeyLength);
                TextRules.RequireText(value ?? throw new WorldValidationException($"attributes: the value of '{key}' is null.", "attributes"), "attributes", AttributeRules.MaxValueBytes);
                attributes[key] = value;
            }
        }

        AddAttributeFilter(attributes, RunLineage.ParentRunId, query.ParentRunId is null ? null : IdValidation.RequireSafeId(query.ParentRunId, "parentRunId"), "parentRunId");
        AddAttributeFilter(attributes, ScheduleAttributes.ScheduleId, query.ScheduleId is null ? null : TextRules.RequireText(query.ScheduleId, "scheduleId", AttributeRules.MaxValueBytes), "scheduleId");
        if (attributes.Count > RunQuery.MaxAttributeFilters)
        {
            throw new WorldValidationException($"attributes: a run query may hold at most {RunQuery.MaxAttributeFilters} attribute conditions; got {attributes.Count}.", "attributes");
        }

        return new RunFilter
        {
            WorkflowName = query.WorkflowName,
            Statuses = query.Statuses?.Distinct().ToArray(),
            Attributes = [.. attributes],
            CreatedAfter = query.CreatedAfter,
            CreatedBefore = query.CreatedBefore,
        };
    }

    private static void AddAttributeFilter(SortedDictionary<string, string> attributes, string key, string? value, string field)
    {
        if (value is null)
        {
            return;
        }

        if (attributes.TryGetValue(key, out var other) && !string.Equals(other, value, StringComparison.Ordinal))
        {
            throw new WorldValidationException($"{field} contradicts the attribute condition {key} = '{other}'.", field);
        }

        attributes[key] = value;
    }

    /// <summary>Validates a step listing; returns the run id and the page to read.</summary>
    public static (string RunId, ResolvedPage Page) ValidateStepQuery(StepQuery query)
    {
        if (query is null)
        {
            throw new WorldValidationException("A step query with a runId is required.", "query");
        }

        var runId = IdValidation.RequireSafeId(query.RunId, "runId");
        RequireResolveData(query.ResolveData);
        return (runId, PageCursor.Resolve(query.Page, StepQuery.DefaultLimit, SortOrder.Descending, CursorListing.Steps, runId));
    }

    /// <summary>Validates an event listing; returns the run id and the page to read.</summary>
    public static (string RunId, ResolvedPage Page) ValidateEventQuery(EventQuery query)
    {
        if (query is null)
        {
            throw new WorldValidationException("An event query with a runId is required.", "query");
        }

        var runId = IdValidation.RequireSafeId(query.RunId, "runId");
        if (query.CorrelationId is not null)
        {
            IdValidation.RequireSafeId(query.CorrelationId, "correlationId");
        }

        RequireResolveData(query.ResolveData);
        return (runId, PageCursor.Resolve(query.Page, EventQuery.DefaultLimit, SortOrder.Ascending, CursorListing.Events, runId));
    }

    /// <summary>Validates a hook listing (the default query when null); returns the query and the page to read.</summary>
    public static (HookQuery Query, ResolvedPage Page) ValidateHookQuery(HookQuery? query)
    {
        query ??= new HookQuery();
        if (query.RunId is not null)
        {
            IdValidation.RequireSafeId(query.RunId, "runId");
        }

        RequireResolveData(query.ResolveData);
        return (query, PageCursor.Resolve(query.Page, HookQuery.DefaultLimit, SortOrder.Ascending, CursorListing.Hooks, query.RunId ?? PageCursor.Unscoped));
    }

    /// <summary>Validates a dead-letter listing (the default query when null); returns the query and the page to read.</summary>
    public static (DeadLetterQuery Query, ResolvedPage Page) ValidateDeadLetterQuery(DeadLetterQuery? query)
    {
        query ??= new DeadLetterQuery();
        IdValidation.OptionalName(query.QueueName, "queueName");
        return (query, PageCursor.Resolve(query.Page, DeadLetterQuery.DefaultLimit, SortOrder.Ascending, CursorListing.DeadLetters, query.QueueName ?? PageCursor.Unscoped));
    }

    /// <summary>Validates the run ids of <see cref="IRunStore.GetManyAsync"/>; entries are named by index.</summary>
    public static IReadOnlyList<string> ValidateRunIds(IReadOnlyList<string> runIds)
    {
        if (runIds is null)
        {
            throw new WorldValidationException("runIds is required.", "runIds");
        }

        if (runIds.Count > MaxGetMany)
        {
            throw new WorldValidationException($"At most {MaxGetMany} run ids may be read at once; got {runIds.Count}.", "runIds");
        }

        for (var i = 0; i < runIds.Count; i++)
        {
            IdValidation.RequireSafeId(runIds[i], $"runIds[{i}]");
        }

        return runIds;
    }

    /// <summary>Validates the message ids of a dead-letter purge; entries are named by index.</summary>
    public static void ValidateMessageIds(IReadOnlyCollection<string>? messageIds)
    {
        if (messageIds is null)
        {
            return;
        }

        var i = 0;
        foreach (var id in messageIds)
        {
            IdValidation.RequireSafeId(id, $"messageIds[{i++}]");
        }
    }

    /// <summary>
    /// Validates a wait timeout: not negative (zero reads once), at most <see cref="MaxTimeout"/>. The one bound of every
    /// wait of the contract (runs, queue).
    /// </summary>
    public static TimeSpan RequireTimeout(TimeSpan timeout) =>
        timeout < TimeSpan.Zero || timeout > MaxTimeout
            ? throw new WorldValidationException($"timeout must be between 0 and {MaxTimeout.TotalDays:0} days, got {timeout}.", "timeout")
            : timeout;

    /// <summary>The longest wait a read may ask for.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(3650);
}
