namespace World;

/// <summary>
/// The operator's view of a World: one API over <see cref="IWorld"/> that the <c>world</c> command-line tool, the
/// dashboard and tests all call, so the tools cannot drift. Reads are paged with the listings' cursors; destructive
/// actions are bounded (a limit that must be given) and idempotent.
/// </summary>
public interface IWorldAdmin
{
    /// <summary>Lists runs with the filters of <see cref="RunQuery"/> (status, workflow, attributes, parent, schedule, creation time).</summary>
    /// <exception cref="WorldValidationException">A filter or the page is invalid.</exception>
    Task<Page<WorkflowRun>> ListRunsAsync(RunQuery query, CancellationToken cancellationToken = default);

    /// <summary>A run with its steps, live hooks, waits, first children and why its invocation is or is not running.</summary>
    /// <exception cref="RunNotFoundException">No run has this id.</exception>
    Task<RunDetail> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>A page of a run's event log in commit order, without payloads.</summary>
    /// <exception cref="RunNotFoundException">No run has this id.</exception>
    Task<Page<WorldEvent>> ListRunEventsAsync(string runId, PageRequest? page = null, CancellationToken cancellationToken = default);

    /// <summary>The run and its descendants (children, their children…), at most <see cref="RunTreeNode.MaxRuns"/> runs.</summary>
    /// <exception cref="RunNotFoundException">No run has this id.</exception>
    Task<RunTreeNode> GetRunTreeAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels a run and, when <paramref name="includeDescendants"/>, every descendant that has not ended (at most
    /// <see cref="RunTreeNode.MaxRuns"/> runs). Runs that already ended are reported, not changed. Idempotent.
    /// </summary>
    /// <exception cref="RunNotFoundException">No run has this id.</exception>
    Task<RunCancellation> CancelRunAsync(string runId, bool includeDescendants, string? reason = null, CancellationToken cancellationToken = default);

    /// <summary>Every queue that has messages, dead letters or consumers, with its backlog by state and the age of its oldest ready message.</summary>
    Task<IReadOnlyList<QueueStats>> GetQueuesAsync(CancellationToken cancellationToken = default);

    /// <summary>Lists dead letters, oldest first, optionally of one queue.</summary>
    Task<Page<DeadLetter>> ListDeadLettersAsync(DeadLetterQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Reads one dead letter with its payload.</summary>
    /// <exception cref="EntityNotFoundException">No dead letter has this id.</exception>
    Task<DeadLetter> GetDeadLetterAsync(string messageId, CancellationToken cancellationToken = default);

    /// <summary>Sends the selected dead letters (at most <see cref="DeadLetterSelection.Limit"/>) back to their queues; each one that cannot be replayed is reported.</summary>
    /// <exception cref="WorldValidationException">The selection is invalid.</exception>
    Task<DeadLetterBatchResult> ReplayDeadLettersAsync(DeadLetterSelection selection, CancellationToken cancellationToken = default);

    /// <summary>Deletes the selected dead letters (at most <see cref="DeadLetterSelection.Limit"/>).</summary>
    /// <exception cref="WorldValidationException">The selection is invalid.</exception>
    Task<DeadLetterBatchResult> PurgeDeadLettersAsync(DeadLetterSelection selection, CancellationToken cancellationToken = default);

    /// <summary>Lists schedules by id.</summary>
    Task<Page<Schedule>> ListSchedulesAsync(ScheduleQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>A schedule with its next ticks and its latest fires.</summary>
    /// <exception cref="ScheduleNotFoundException">No such schedule.</exception>
    Task<ScheduleDetail> GetScheduleAsync(string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>Enables (resumes) or disables (pauses, with a note) a schedule. Idempotent.</summary>
    /// <exception cref="ScheduleNotFoundException">No such schedule.</exception>
    Task<Schedule> SetScheduleEnabledAsync(string scheduleId, bool enabled, string? note = null, CancellationToken cancellationToken = default);

    /// <summary>Adds a manual fire due now; a running scheduler creates its run.</summary>
    /// <exception cref="ScheduleNotFoundException">No such schedule.</exception>
    Task<ScheduleFire> TriggerScheduleAsync(string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>The schedule's next <paramref name="count"/> nominal tick times.</summary>
    /// <exception cref="ScheduleNotFoundException">No such schedule.</exception>
    Task<IReadOnlyList<DateTimeOffset>> PreviewScheduleAsync(string scheduleId, int count, CancellationToken cancellationToken = default);

    /// <summary>The storage schema's version against the one this build expects (<see cref="SchemaStatus.Managed"/> false for a World without a schema).</summary>
    Task<SchemaStatus> GetSchemaStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Applies pending schema migrations and returns the status after them; nothing happens for a World without a schema.</summary>
    Task<SchemaStatus> MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the World answers and its schema is current, with the dead letters it holds. Storage faults are reported, not thrown.</summary>
    Task<WorldHealthReport> CheckHealthAsync(CancellationToken cancellationToken = default);
}
