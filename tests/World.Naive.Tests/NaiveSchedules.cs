using World.Backends;

namespace World.Naive.Tests;

/// <summary>
/// The naive schedule store: a dictionary of schedules and one of fires keyed by (schedule, key), under the World's
/// one lock. Every decision (validation, next tick, catch-up, overlap, repair, backfill) is <see cref="ScheduleRules"/>'s.
/// </summary>
internal sealed class NaiveSchedules(NaiveState state) : ISchedules
{
    private readonly Dictionary<string, Schedule> _schedules = new(StringComparer.Ordinal);
    private readonly Dictionary<(string ScheduleId, string Key), Fire> _fires = [];

    public Task<Schedule> UpsertAsync(ScheduleDefinition definition, CancellationToken cancellationToken = default)
    {
        ScheduleRules.Validate(definition);
        definition = definition with { Input = definition.Input.ToArray(), BlackoutDates = definition.BlackoutDates?.ToArray() };
        lock (state.Gate)
        {
            var now = state.Now();
            var schedule = _schedules.TryGetValue(definition.ScheduleId, out var existing)
                ? new Schedule(definition, ScheduleRules.Reconcile(existing, definition, now))
                : new Schedule(definition, ScheduleRules.InitialState(definition, now));
            return Task.FromResult(_schedules[definition.ScheduleId] = schedule);
        }
    }

    public Task<Schedule> GetAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        lock (state.Gate)
        {
            return Task.FromResult(Require(scheduleId));
        }
    }

    public Task<Page<Schedule>> ListAsync(ScheduleQuery? query = null, CancellationToken cancellationToken = default)
    {
        var (resolved, page) = ScheduleReadRules.ValidateQuery(query);
        lock (state.Gate)
        {
            var matching = _schedules.Values.Where(s => resolved.WorkflowName is null || s.Definition.WorkflowName == resolved.WorkflowName).ToList();
            return Task.FromResult(NaivePaging.Page(matching, s => s.ScheduleId, page, CursorListing.Schedules, resolved.WorkflowName ?? PageCursor.Unscoped, s => s));
        }
    }

    public Task<Schedule> PauseAsync(string scheduleId, string? note = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(scheduleId, schedule => ScheduleRules.Pause(schedule.State, note, state.Now()));

    public Task<Schedule> ResumeAsync(string scheduleId, CancellationToken cancellationToken = default) =>
        ChangeAsync(scheduleId, schedule => ScheduleRules.Resume(schedule.Definition, schedule.State, state.Now()));

    public Task<bool> DeleteAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        lock (state.Gate)
        {
            foreach (var key in _fires.Keys.Where(k => k.ScheduleId == scheduleId).ToList())
            {
                _fires.Remove(key);
            }

            return Task.FromResult(_schedules.Remove(scheduleId));
        }
    }

    public Task<ScheduleFire> TriggerNowAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        lock (state.Gate)
        {
            var schedule = Require(scheduleId);
            var now = state.Now();
            var fire = ScheduleRules.ManualFire(scheduleId, now);
            if (!TryInsert(fire))
            {
                return Task.FromResult(_fires[(scheduleId, fire.Key)].Value);
            }

            _schedules[scheduleId] = schedule with { State = schedule.State with { LastRunId = fire.RunId, LastFiredAt = now, LastOutcome = $"triggered manually as {fire.RunId}", UpdatedAt = now } };
            return Task.FromResult(fire);
        }
    }

    public Task<ScheduleBackfillResult> BackfillAsync(string scheduleId, ScheduleBackfillRequest request, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        lock (state.Gate)
        {
            var fires = ScheduleRules.BackfillFires(Require(scheduleId).Definition, request, state.Now());
            var added = fires.Where(TryInsert).ToList();
            return Task.FromResult(new ScheduleBackfillResult(fires.Count, added.Count, added.Count == 0 ? null : added[^1].FireAt));
        }
    }

    public Task<IReadOnlyList<DateTimeOffset>> PreviewAsync(string scheduleId, int count, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        ScheduleReadRules.ValidatePreviewCount(count);
        lock (state.Gate)
        {
            var schedule = Require(scheduleId);
            var from = schedule.State.NextNominalAt is { } next ? next.AddTicks(-1) : state.Now();
            return Task.FromResult(ScheduleRules.Preview(schedule.Definition, from, count));
        }
    }

    public Task<Page<ScheduleFire>> ListFiresAsync(ScheduleFireQuery query, CancellationToken cancellationToken = default)
    {
        var page = ScheduleReadRules.ValidateFireQuery(query);
        lock (state.Gate)
        {
            var matching = _fires.Values.Select(f => f.Value).Where(f => f.ScheduleId == query.ScheduleId && (query.Status is null || f.Status == query.Status)).ToList();
            return Task.FromResult(NaivePaging.Page(matching, f => f.Key, page, CursorListing.ScheduleFires, query.ScheduleId, f => f));
        }
    }

    public Task<ScheduleClaimResult> ClaimFiresAsync(ScheduleClaimRequest request, CancellationToken cancellationToken = default)
    {
        ScheduleReadRules.ValidateClaim(request);
        lock (state.Gate)
        {
            var now = state.Now();
            var planned = 0;
            var repaired = new List<string>();
            foreach (var schedule in _schedules.Values
                .Where(s => s.State.Enabled && (s.State.NextFireAt is null || s.State.NextFireAt <= now || s.State.BufferedNominalAt is not null))
                .OrderBy(s => s.State.NextFireAt ?? DateTimeOffset.MinValue)
                .Take(request.Limit)
                .ToList())
            {
                var plan = ScheduleRules.Plan(schedule.Definition, schedule.State, now, PreviousRunActive(schedule));
                if (plan.Repaired)
                {
                    repaired.Add(schedule.ScheduleId);
                }

                if (plan.State != schedule.State || plan.Fires.Count > 0)
                {
                    planned++;
                    foreach (var fire in plan.Fires)
                    {
                        TryInsert(fire);
                    }

                    _schedules[schedule.ScheduleId] = schedule with { State = plan.State };
                }
            }

            var claimed = new List<ClaimedScheduleFire>();
            foreach (var entry in _fires.Values
                .Where(f => f.Value.Status == ScheduleFireStatus.Pending && f.Value.FireAt <= now && (f.LeaseUntil is null || f.LeaseUntil <= now) && _schedules.ContainsKey(f.Value.ScheduleId))
                .OrderBy(f => f.Value.FireAt).ThenBy(f => f.Value.ScheduleId, StringComparer.Ordinal).ThenBy(f => f.Value.Key, StringComparer.Ordinal)
                .Take(request.Limit)
                .ToList())
            {
                var reviewed = ScheduleRules.ReviewRunId(entry.Value, entry.Value.RunId is { } runId && state.Runs.ContainsKey(runId), now, out var heldUntil);
                if (reviewed is null)
                {
                    entry.LeaseUntil = heldUntil;
                    continue;
                }

                if (reviewed.RunId != entry.Value.RunId)
                {
                    Renew(entry.Value.ScheduleId, entry.Value.RunId!, reviewed.RunId!);
                    entry.Value = reviewed;
                }

                var definition = _schedules[entry.Value.ScheduleId].Definition;
                entry.LeaseUntil = now + request.Lease;
                entry.Value = entry.Value with { Attempts = entry.Value.Attempts + 1 };
                claimed.Add(new ClaimedScheduleFire(entry.Value, definition.WorkflowName, definition.Input.ToArray(), entry.LeaseUntil.Value));
            }

            return Task.FromResult(new ScheduleClaimResult(claimed, planned, repaired));
        }
    }

    public Task<int> CompleteFiresAsync(IReadOnlyList<ScheduleFire> fires, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fires);
        lock (state.Gate)
        {
            var completed = 0;
            foreach (var fire in fires)
            {
                if (_fires.TryGetValue((fire.ScheduleId, fire.Key), out var entry) && entry.Value.Status == ScheduleFireStatus.Pending)
                {
                    entry.Value = entry.Value with { Status = ScheduleFireStatus.Created, CompletedAt = state.Now() };
                    entry.LeaseUntil = null;
                    completed++;
                }
            }

            return Task.FromResult(completed);
        }
    }

    // A renewed run id replaces the old one as the schedule's last run and as the run a later pending fire cancels.
    private void Renew(string scheduleId, string oldRunId, string newRunId)
    {
        foreach (var fire in _fires.Values.Where(f => f.Value.ScheduleId == scheduleId && f.Value.CancelRunId == oldRunId && f.Value.Status == ScheduleFireStatus.Pending))
        {
            fire.Value = fire.Value with { CancelRunId = newRunId };
        }

        if (_schedules[scheduleId] is { State.LastRunId: { } last } schedule && last == oldRunId)
        {
            _schedules[scheduleId] = schedule with { State = schedule.State with { LastRunId = newRunId } };
        }
    }

    // The previous run is active while it has not ended, or while its fire is still pending (the run not created yet).
    private bool PreviousRunActive(Schedule schedule) =>
        schedule.State.LastRunId is { } runId
        && (state.Runs.TryGetValue(runId, out var run)
            ? !run.Status.IsTerminal()
            : _fires.Values.Any(f => f.Value.ScheduleId == schedule.ScheduleId && f.Value.RunId == runId && f.Value.Status == ScheduleFireStatus.Pending));

    private bool TryInsert(ScheduleFire fire) => _fires.TryAdd((fire.ScheduleId, fire.Key), new Fire { Value = fire });

    private Task<Schedule> ChangeAsync(string scheduleId, Func<Schedule, ScheduleState> change)
    {
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        lock (state.Gate)
        {
            var schedule = Require(scheduleId);
            return Task.FromResult(_schedules[scheduleId] = schedule with { State = change(schedule) });
        }
    }

    private Schedule Require(string scheduleId) =>
        _schedules.TryGetValue(scheduleId, out var schedule) ? schedule : throw new ScheduleNotFoundException(scheduleId);

    private sealed class Fire
    {
        public required ScheduleFire Value { get; set; }

        public DateTimeOffset? LeaseUntil { get; set; }
    }
}
