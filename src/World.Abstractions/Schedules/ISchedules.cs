namespace World;

/// <summary>
/// The schedules of a World: definitions with their runtime state, and the fires that turn ticks into runs. The World
/// stores and applies; every decision (next tick, catch-up, overlap, jitter) is made by <see cref="Backends.ScheduleRules"/>.
/// </summary>
/// <remarks>
/// Firing is exactly-once by a unique key, not by a lock: each tick becomes one <see cref="ScheduleFire"/> keyed by
/// (schedule id, nominal time) with a run id chosen when the fire is decided, and the run is created with that id.
/// Any number of schedulers may call <see cref="ClaimFiresAsync"/> concurrently; <see cref="Backends.ScheduleFirer"/> drives it.
/// </remarks>
public interface ISchedules
{
    /// <summary>
    /// Creates the schedule, or replaces the definition of an existing one while keeping its state (enabled or paused,
    /// last fire). The next tick is recomputed when the timing (cron, interval, zone, window, bounds) changed.
    /// </summary>
    /// <exception cref="InvalidScheduleException">The definition is invalid; nothing was stored.</exception>
    Task<Schedule> UpsertAsync(ScheduleDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Gets a schedule.</summary>
    /// <exception cref="ScheduleNotFoundException">No such schedule.</exception>
    Task<Schedule> GetAsync(string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>Lists schedules by id.</summary>
    Task<Page<Schedule>> ListAsync(ScheduleQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Disables the schedule with a note saying why. Idempotent.</summary>
    /// <exception cref="ScheduleNotFoundException">No such schedule.</exception>
    Task<Schedule> PauseAsync(string scheduleId, string? note = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Enables the schedule. Its next tick is the first one after now: ticks that passed while it was paused are not
    /// caught up. Idempotent on an enabled schedule (its next tick is kept).
    /// </summary>
    /// <exception cref="ScheduleNotFoundException">No such schedule.</exception>
    /// <exception cref="InvalidScheduleException">The stored definition is invalid (edited outside the API); the schedule stays disabled.</exception>
    Task<Schedule> ResumeAsync(string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the schedule and its fire records (runs are kept). False when it did not exist.</summary>
    Task<bool> DeleteAsync(string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>Adds a manual fire due now; a scheduler creates its run. Works on paused schedules too.</summary>
    /// <exception cref="ScheduleNotFoundException">No such schedule.</exception>
    Task<ScheduleFire> TriggerNowAsync(string scheduleId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a fire for every tick in the range that has none, due one <see cref="ScheduleBackfillRequest.Stagger"/>
    /// apart from now. At most <see cref="Backends.ScheduleRules.MaxBackfillTicks"/> ticks.
    /// </summary>
    /// <exception cref="ScheduleNotFoundException">No such schedule.</exception>
    /// <exception cref="WorldValidationException">The range is reversed, in the future or holds too many ticks.</exception>
    Task<ScheduleBackfillResult> BackfillAsync(string scheduleId, ScheduleBackfillRequest request, CancellationToken cancellationToken = default);

    /// <summary>The next <paramref name="count"/> nominal tick times (1 to <see cref="Backends.ScheduleRules.MaxPreview"/>) from the schedule's next tick or now.</summary>
    /// <exception cref="ScheduleNotFoundException">No such schedule.</exception>
    Task<IReadOnlyList<DateTimeOffset>> PreviewAsync(string scheduleId, int count, CancellationToken cancellationToken = default);

    /// <summary>Lists a schedule's fires (created, pending and skipped), the record of what fired and what was skipped.</summary>
    Task<Page<ScheduleFire>> ListFiresAsync(ScheduleFireQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// One scheduler pass, atomic per schedule: advances every due enabled schedule (deciding its fires with
    /// <see cref="Backends.ScheduleRules.Plan"/> and storing them under their unique keys), repairs enabled schedules
    /// without a next tick, then leases pending fires that are due (including fires whose lease lapsed because their
    /// scheduler died) to the caller.
    /// </summary>
    Task<ScheduleClaimResult> ClaimFiresAsync(ScheduleClaimRequest request, CancellationToken cancellationToken = default);

    /// <summary>Marks pending fires created once their runs exist; returns how many were still pending.</summary>
    Task<int> CompleteFiresAsync(IReadOnlyList<ScheduleFire> fires, CancellationToken cancellationToken = default);
}
