using World.InMemory.Storage;
using World.Backends;

namespace World.InMemory.Schedules;

/// <summary>
/// Schedules in memory. One lock serializes every schedule change and claim, which makes each plan atomic with its
/// fires; the fire dictionary keyed by (schedule, key) is the same unique key the database enforces.
/// </summary>
internal sealed class InMemorySchedules(InMemoryState state) : ISchedules
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, Schedule> _schedules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<string, FireEntry>> _fires = new(StringComparer.Ordinal);
    private readonly Dictionary<(string ScheduleId, string Key), FireEntry> _pending = [];

    private DateTimeOffset Now => state.TimeProvider.GetUtcNow();

    public Task<Schedule> UpsertAsync(ScheduleDefinition definition, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        ScheduleRules.Validate(definition);
        definition = Copy(definition);
        lock (_gate)
        {
            var now = Now;
            var schedule = _schedules.TryGetValue(definition.ScheduleId, out var existing)
                ? new Schedule(definition, ScheduleRules.Reconcile(existing, definition, now))
                : new Schedule(definition, ScheduleRules.InitialState(definition, now));
            _schedules[definition.ScheduleId] = schedule;
            return Task.FromResult(schedule);
        }
    }

    public Task<Schedule> GetAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        lock (_gate)
        {
            return Task.FromResult(Require(scheduleId));
        }
    }

    public Task<Page<Schedule>> ListAsync(ScheduleQuery? query = null, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        var (resolved, page) = ScheduleReadRules.ValidateQuery(query);
        lock (_gate)
        {
            IEnumerable<Schedule> all = page.Ascending ? _schedules.Values : _schedules.Values.Reverse();
            var matching = all
                .Where(s => resolved.WorkflowName is null || s.Definition.WorkflowName == resolved.WorkflowName)
                .Where(s => page.After is null || (page.Ascending ? string.CompareOrdinal(s.ScheduleId, page.After) > 0 : string.CompareOrdinal(s.ScheduleId, page.After) < 0))
                .Take(page.Limit + 1)
                .ToList();
            var data = matching.Take(page.Limit).ToList();
            var cursor = data.Count == 0 ? null : PageCursor.Encode(CursorListing.Schedules, resolved.WorkflowName ?? PageCursor.Unscoped, data[^1].ScheduleId);
            return Task.FromResult(new Page<Schedule>(data, cursor, matching.Count > page.Limit));
        }
    }

    public Task<Schedule> PauseAsync(string scheduleId, string? note = null, CancellationToken cancellationToken = default) =>
        Change(scheduleId, schedule => ScheduleRules.Pause(schedule.State, note, Now), cancellationToken);

    public Task<Schedule> ResumeAsync(string scheduleId, CancellationToken cancellationToken = default) =>
        Change(scheduleId, schedule => ScheduleRules.Resume(schedule.Definition, schedule.State, Now), cancellationToken);

    public Task<bool> DeleteAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        lock (_gate)
        {
            _fires.Remove(scheduleId);
            foreach (var key in _pending.Keys.Where(k => k.ScheduleId == scheduleId).ToList())
            {
                _pending.Remove(key);
            }

            return Task.FromResult(_schedules.Remove(scheduleId));
        }
    }

    public Task<ScheduleFire> TriggerNowAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        lock (_gate)
        {
            var schedule = Require(scheduleId);
            var now = Now;
            var fire = ScheduleRules.ManualFire(scheduleId, now);
            if (!TryInsert(fire))
            {
                // Two triggers in one millisecond are one trigger: the key is taken, return the fire that holds it.
                return Task.FromResult(_fires[scheduleId][fire.Key].Fire);
            }

            _schedules[scheduleId] = schedule with { State = schedule.State with { LastRunId = fire.RunId, LastFiredAt = now, LastOutcome = $"triggered manually as {fire.RunId}", UpdatedAt = now } };
            return Task.FromResult(fire);
        }
    }

    public Task<ScheduleBackfillResult> BackfillAsync(string scheduleId, ScheduleBackfillRequest request, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        lock (_gate)
        {
            var schedule = Require(scheduleId);
            var fires = ScheduleRules.BackfillFires(schedule.Definition, request, Now);
            var added = 0;
            DateTimeOffset? last = null;
            foreach (var fire in fires)
            {
                // A tick that already has a fire (it ran, was skipped, or an earlier backfill holds it) keeps it.
                if (TryInsert(fire))
                {
                    added++;
                    last = fire.FireAt;
                }
            }

            return Task.FromResult(new ScheduleBackfillResult(fires.Count, added, last));
        }
    }

    public Task<IReadOnlyList<DateTimeOffset>> PreviewAsync(string scheduleId, int count, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        ScheduleReadRules.ValidatePreviewCount(count);
        Schedule schedule;
        lock (_gate)
        {
            schedule = Require(scheduleId);
        }

        var from = schedule.State.NextNominalAt is { } next ? next.AddTicks(-1) : Now;
        return Task.FromResult(ScheduleRules.Preview(schedule.Definition, from, count));
    }

    public Task<Page<ScheduleFire>> ListFiresAsync(ScheduleFireQuery query, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        var page = ScheduleReadRules.ValidateFireQuery(query);
        lock (_gate)
        {
            if (!_fires.TryGetValue(query.ScheduleId, out var fires))
            {
                return Task.FromResult(new Page<ScheduleFire>([], null, false));
            }

            IEnumerable<FireEntry> ordered = page.Ascending ? fires.Values : fires.Values.Reverse();
            var matching = ordered
                .Where(e => query.Status is null || e.Fire.Status == query.Status)
                .Where(e => page.After is null || (page.Ascending ? string.CompareOrdinal(e.Fire.Key, page.After) > 0 : string.CompareOrdinal(e.Fire.Key, page.After) < 0))
                .Take(page.Limit + 1)
                .Select(e => e.Fire)
                .ToList();
            var data = matching.Take(page.Limit).ToList();
            var cursor = data.Count == 0 ? null : PageCursor.Encode(CursorListing.ScheduleFires, query.ScheduleId, data[^1].Key);
            return Task.FromResult(new Page<ScheduleFire>(data, cursor, matching.Count > page.Limit));
        }
    }

    public Task<ScheduleClaimResult> ClaimFiresAsync(ScheduleClaimRequest request, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        ScheduleReadRules.ValidateClaim(request);
        lock (_gate)
        {
            var now = Now;
            var due = _schedules.Values
                .Where(s => s.State.Enabled && (s.State.NextFireAt is null || s.State.NextFireAt <= now || s.State.BufferedNominalAt is not null))
                .OrderBy(s => s.State.NextFireAt ?? DateTimeOffset.MinValue)
                .Take(request.Limit)
                .ToList();
            var planned = 0;
            var repaired = new List<string>();
            foreach (var schedule in due)
            {
                var plan = ScheduleRules.Plan(schedule.Definition, schedule.State, now, PreviousRunActive(schedule));
                if (plan.Repaired)
                {
                    repaired.Add(schedule.ScheduleId);
                }

                if (plan.State == schedule.State && plan.Fires.Count == 0)
                {
                    continue;
                }

                planned++;
                foreach (var fire in plan.Fires)
                {
                    TryInsert(fire);
                }

                _schedules[schedule.ScheduleId] = schedule with { State = plan.State };
            }

            var leaseUntil = now + request.Lease;
            var claimed = new List<ClaimedScheduleFire>();
            foreach (var entry in _pending.Values
                .Where(e => e.Fire.FireAt <= now && (e.LeaseUntil is null || e.LeaseUntil <= now))
                .OrderBy(e => e.Fire.FireAt)
                .ThenBy(e => e.Fire.ScheduleId, StringComparer.Ordinal)
                .ThenBy(e => e.Fire.Key, StringComparer.Ordinal)
                .Take(request.Limit)
                .ToList())
            {
                if (!_schedules.TryGetValue(entry.Fire.ScheduleId, out var schedule))
                {
                    continue;
                }

                var reviewed = ScheduleRules.ReviewRunId(entry.Fire, entry.Fire.RunId is { } runId && state.FindRun(runId) is not null, now, out var heldUntil);
                if (reviewed is null)
                {
                    entry.LeaseUntil = heldUntil;
                    continue;
                }

                if (reviewed.RunId != entry.Fire.RunId)
                {
                    schedule = Renew(schedule, entry.Fire.RunId!, reviewed.RunId!);
                    entry.Fire = reviewed;
                }

                entry.LeaseUntil = leaseUntil;
                entry.Fire = entry.Fire with { Attempts = entry.Fire.Attempts + 1 };
                claimed.Add(new ClaimedScheduleFire(entry.Fire, schedule.Definition.WorkflowName, schedule.Definition.Input.ToArray(), leaseUntil));
            }

            return Task.FromResult(new ScheduleClaimResult(claimed, planned, repaired));
        }
    }

    public Task<int> CompleteFiresAsync(IReadOnlyList<ScheduleFire> fires, CancellationToken cancellationToken = default)
    {
        Enter(cancellationToken);
        ArgumentNullException.ThrowIfNull(fires);
        lock (_gate)
        {
            var now = Now;
            var completed = 0;
            foreach (var fire in fires)
            {
                if (_pending.Remove((fire.ScheduleId, fire.Key), out var entry))
                {
                    entry.Fire = entry.Fire with { Status = ScheduleFireStatus.Created, CompletedAt = now };
                    entry.LeaseUntil = null;
                    completed++;
                }
            }

            return Task.FromResult(completed);
        }
    }

    // A renewed run id replaces the old one wherever the schedule refers to it: as its last run (overlap) and as the
    // run a later pending fire cancels.
    private Schedule Renew(Schedule schedule, string oldRunId, string newRunId)
    {
        foreach (var entry in _pending.Values.Where(e => e.Fire.ScheduleId == schedule.ScheduleId && e.Fire.CancelRunId == oldRunId))
        {
            entry.Fire = entry.Fire with { CancelRunId = newRunId };
        }

        if (schedule.State.LastRunId == oldRunId)
        {
            schedule = schedule with { State = schedule.State with { LastRunId = newRunId } };
            _schedules[schedule.ScheduleId] = schedule;
        }

        return schedule;
    }

    // The previous run is active while it has not ended, and also while it does not exist yet because its fire is pending.
    private bool PreviousRunActive(Schedule schedule)
    {
        if (schedule.State.LastRunId is not { } runId)
        {
            return false;
        }

        if (state.FindRun(runId) is { } run)
        {
            return !run.Run.Status.IsTerminal();
        }

        return _pending.Values.Any(e => e.Fire.ScheduleId == schedule.ScheduleId && e.Fire.RunId == runId);
    }

    private bool TryInsert(ScheduleFire fire)
    {
        if (!_fires.TryGetValue(fire.ScheduleId, out var fires))
        {
            fires = new SortedDictionary<string, FireEntry>(StringComparer.Ordinal);
            _fires[fire.ScheduleId] = fires;
        }

        var entry = new FireEntry { Fire = fire };
        if (!fires.TryAdd(fire.Key, entry))
        {
            return false;
        }

        if (fire.Status == ScheduleFireStatus.Pending)
        {
            _pending[(fire.ScheduleId, fire.Key)] = entry;
        }

        return true;
    }

    private Task<Schedule> Change(string scheduleId, Func<Schedule, ScheduleState> change, CancellationToken cancellationToken)
    {
        Enter(cancellationToken);
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        lock (_gate)
        {
            var schedule = Require(scheduleId);
            var changed = schedule with { State = change(schedule) };
            _schedules[scheduleId] = changed;
            return Task.FromResult(changed);
        }
    }

    private Schedule Require(string scheduleId) =>
        _schedules.TryGetValue(scheduleId, out var schedule) ? schedule : throw new ScheduleNotFoundException(scheduleId);

    private void Enter(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
    }

    // The caller's buffers are copied: a stored definition must not change when the caller reuses its array.
    private static ScheduleDefinition Copy(ScheduleDefinition definition) =>
        definition with { Input = definition.Input.ToArray(), BlackoutDates = definition.BlackoutDates?.ToArray() };

    private sealed class FireEntry
    {
        public required ScheduleFire Fire { get; set; }

        public DateTimeOffset? LeaseUntil { get; set; }
    }
}
