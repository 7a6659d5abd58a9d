using System.Diagnostics.CodeAnalysis;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Cronos;

namespace World.Backends;

/// <summary>
/// Every schedule decision, in one pure place for every backend: validation, the next tick of a cron expression or
/// interval in a time zone (with DST), which missed ticks fire after downtime (catch-up), what happens when the previous
/// run is still active (overlap), deterministic jitter, and backfill ticks. Backends store state and apply a
/// <see cref="SchedulePlan"/> atomically; they never decide.
/// </summary>
/// <remarks>
/// DST (cron only; intervals count elapsed time and ignore clocks): a tick whose local time falls into a spring-forward
/// gap fires once at the first instant after the gap (02:30 becomes 03:00); a tick whose local time occurs twice in a
/// fall-back overlap fires once, at its first occurrence, unless the expression's hour field repeats within the hour
/// (<c>*/15 * * * *</c>), which fires in both passes because those are distinct elapsed instants. These are Cronos's rules.
/// </remarks>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public static class ScheduleRules
{
    /// <summary>The most ticks one <see cref="ISchedules.PreviewAsync"/> returns.</summary>
    public const int MaxPreview = 1000;

    /// <summary>The most ticks one backfill may add.</summary>
    public const int MaxBackfillTicks = 10_000;

    /// <summary>The largest <see cref="ScheduleDefinition.CatchUpBound"/>.</summary>
    public const int MaxCatchUpBound = 1000;

    /// <summary>The most blackout dates of one schedule.</summary>
    public const int MaxBlackoutDates = 1000;

    /// <summary>The longest pause note, in UTF-8 bytes.</summary>
    public const int MaxNoteBytes = 1024;

    /// <summary>
    /// The most missed ticks one plan walks (a per-second cron after a 3-day outage has 259,200); beyond it the rest up to
    /// now is skipped in one entry whose count is a lower bound, so a plan's work is bounded.
    /// </summary>
    public const int MaxWalkedTicks = 100_000;

    /// <summary>A tick fired at most this late is on time (<see cref="ScheduleTriggerKind.Scheduled"/>); later it was missed.</summary>
    public static readonly TimeSpan MisfireGrace = TimeSpan.FromMinutes(1);

    /// <summary>The shortest interval.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    /// <summary>The largest jitter.</summary>
    public static readonly TimeSpan MaxJitter = TimeSpan.FromDays(1);

    /// <summary>How long a schedule whose stored definition cannot be planned waits before the next attempt.</summary>
    public static readonly TimeSpan ErrorRetry = TimeSpan.FromMinutes(1);

    /// <summary>The largest backfill stagger.</summary>
    public static readonly TimeSpan MaxStagger = TimeSpan.FromHours(1);

    /// <summary>
    /// How long before a pending fire's run id leaves the window in which the World accepts it
    /// (<see cref="IdValidation.ClientRunIdMaxAge"/>) a claim stops handing it out, and how long after that window a claim
    /// renews it. Scheduler clocks must agree to within it (see <see cref="ReviewRunId"/>).
    /// </summary>
    public static readonly TimeSpan RunIdRenewalMargin = TimeSpan.FromMinutes(10);

    // Compiled definitions by instance: a backend that hands the same definition instance to every pass (the in-memory
    // store, or the PostgreSQL claim's cache of parsed definitions) parses its cron and resolves its zone once.
    private static readonly ConditionalWeakTable<ScheduleDefinition, CompiledSchedule> CompiledCache = [];

    /// <summary>Validates a definition: ids, names, exactly one of cron and interval, a known IANA zone, policies and bounds.</summary>
    /// <exception cref="InvalidScheduleException">The timing or a policy is invalid (code <c>INVALID_SCHEDULE</c>).</exception>
    /// <exception cref="WorldValidationException">An id or name is invalid.</exception>
    public static void Validate(ScheduleDefinition definition) => _ = Compile(definition);

    /// <summary>The first tick strictly after <paramref name="after"/>, or null when there is none (past <see cref="ScheduleDefinition.EndAt"/>).</summary>
    public static DateTimeOffset? NextTick(ScheduleDefinition definition, DateTimeOffset after) => NextTick(Compile(definition), after);

    /// <summary>The next <paramref name="count"/> ticks strictly after <paramref name="after"/>.</summary>
    public static IReadOnlyList<DateTimeOffset> Preview(ScheduleDefinition definition, DateTimeOffset after, int count)
    {
        if (count is < 1 or > MaxPreview)
        {
            throw new WorldValidationException($"count must be 1 to {MaxPreview}, got {count}.", "count");
        }

        var compiled = Compile(definition);
        var ticks = new List<DateTimeOffset>(count);
        var cursor = after;
        while (ticks.Count < count && NextTick(compiled, cursor) is { } tick)
        {
            ticks.Add(tick);
            cursor = tick;
        }

        return ticks;
    }

    /// <summary>
    /// The delay added to <paramref name="nominalAt"/>: a hash of (schedule id, tick) scaled into [0, jitter], in whole
    /// milliseconds. Deterministic, so every scheduler computes the same fire time for a tick.
    /// </summary>
    public static TimeSpan JitterOf(string scheduleId, DateTimeOffset nominalAt, TimeSpan jitter)
    {
        ArgumentNullException.ThrowIfNull(scheduleId);
        var range = (ulong)jitter.TotalMilliseconds;
        if (range == 0)
        {
            return TimeSpan.Zero;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(scheduleId + "\n" + nominalAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)));
        return TimeSpan.FromMilliseconds(BinaryPrimitives.ReadUInt64LittleEndian(hash) % (range + 1));
    }

    /// <summary>The state of a schedule created now: enabled as the definition says, with its first tick after now.</summary>
    /// <exception cref="InvalidScheduleException">The definition is invalid.</exception>
    public static ScheduleState InitialState(ScheduleDefinition definition, DateTimeOffset now)
    {
        var compiled = Compile(definition);
        var next = NextTick(compiled, now);
        return WithNext(new ScheduleState { Enabled = definition.Enabled && next is not null, CreatedAt = now, UpdatedAt = now }, definition, next);
    }

    /// <summary>
    /// The state after an upsert of an existing schedule: enabled state, last fire and buffer are kept; the next tick
    /// is recomputed from now when the timing changed.
    /// </summary>
    /// <exception cref="InvalidScheduleException">The new definition is invalid.</exception>
    public static ScheduleState Reconcile(Schedule existing, ScheduleDefinition definition, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(existing);
        var compiled = Compile(definition);
        if (SameTiming(existing.Definition, definition) && existing.State.NextNominalAt is not null)
        {
            return existing.State with { UpdatedAt = now };
        }

        return WithNext(existing.State with { UpdatedAt = now }, definition, NextTick(compiled, now));
    }

    /// <summary>The state after a pause: disabled with the note.</summary>
    public static ScheduleState Pause(ScheduleState state, string? note, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        TextRules.RequireText(note, "note", MaxNoteBytes);
        return state with { Enabled = false, PauseNote = note, UpdatedAt = now };
    }

    /// <summary>The state after a resume: enabled, next tick the first after now (paused ticks are not caught up).</summary>
    /// <exception cref="InvalidScheduleException">The definition is invalid or has no tick after now; the schedule stays disabled.</exception>
    public static ScheduleState Resume(ScheduleDefinition definition, ScheduleState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var compiled = Compile(definition);
        if (state.Enabled && state.NextNominalAt is not null)
        {
            return state;
        }

        var next = NextTick(compiled, now) ?? throw new InvalidScheduleException($"Schedule '{definition.ScheduleId}' has no tick after {Format(now)} (endAt passed); it cannot be resumed.", "endAt");
        return WithNext(state with { Enabled = true, PauseNote = null, UpdatedAt = now }, definition, next);
    }

    /// <summary>A manual fire at <paramref name="now"/>, with its run id.</summary>
    public static ScheduleFire ManualFire(string scheduleId, DateTimeOffset now)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        return Pending(scheduleId, at, ScheduleTriggerKind.Manual, at, now, cancelRunId: null);
    }

    /// <summary>
    /// Decides what a claim does with a due pending fire it is about to lease, so that a fire left pending for longer
    /// than the World accepts its run id (schedulers down for more than a day after a claim) still creates exactly one
    /// run: the run id is kept while it can be created (or when its run exists); it is <b>renewed</b> (a fresh run id
    /// minted now) once it can no longer be created by anyone (more than <see cref="RunIdRenewalMargin"/> past the
    /// window) and its run does not exist; in between the fire is held until it can be renewed.
    /// </summary>
    /// <remarks>
    /// Exactly-once still comes from the fire row: the claim decides under the fire's lease lock, and a scheduler that
    /// still holds the old run id cannot create it any more (the World refuses a run id past its window), so the old and
    /// the new id cannot both become runs. This assumes scheduler clocks agree to within <see cref="RunIdRenewalMargin"/>.
    /// </remarks>
    /// <param name="fire">The pending fire.</param>
    /// <param name="runExists">Whether a run with the fire's run id exists.</param>
    /// <param name="now">The claim's clock.</param>
    /// <param name="heldUntil">When a held fire can be renewed; default otherwise.</param>
    /// <returns>The fire to lease (itself, or with a new run id), or null when it must be held until <paramref name="heldUntil"/>.</returns>
    public static ScheduleFire? ReviewRunId(ScheduleFire fire, bool runExists, DateTimeOffset now, out DateTimeOffset heldUntil)
    {
        ArgumentNullException.ThrowIfNull(fire);
        heldUntil = default;
        if (runExists || fire.RunId is not { } runId || !WorldIds.TryGetTimestamp(runId, IdPrefixes.Run, out var minted))
        {
            return fire;
        }

        var windowEnds = minted + IdValidation.ClientRunIdMaxAge;
        if (now < windowEnds - RunIdRenewalMargin)
        {
            return fire;
        }

        if (now >= windowEnds + RunIdRenewalMargin)
        {
            return fire with { RunId = WorldIds.NewRunId(now) };
        }

        heldUntil = windowEnds + RunIdRenewalMargin;
        return null;
    }

    /// <summary>
    /// The fires of a backfill: every tick in [from, to], due <see cref="ScheduleBackfillRequest.Stagger"/> apart
    /// starting now, so a long range trickles into the queue instead of flooding it.
    /// </summary>
    /// <exception cref="WorldValidationException">The range is reversed or ends in the future, the stagger is out of range, or it holds more than <see cref="MaxBackfillTicks"/> ticks.</exception>
    public static IReadOnlyList<ScheduleFire> BackfillFires(ScheduleDefinition definition, ScheduleBackfillRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var compiled = Compile(definition);
        if (request.From > request.To)
        {
            throw new WorldValidationException("from must not be after to.", "from");
        }

        if (request.To > now)
        {
            throw new WorldValidationException("A backfill covers the past: to must not be after now.", "to");
        }

        if (request.Stagger < TimeSpan.Zero || request.Stagger > MaxStagger)
        {
            throw new WorldValidationException($"stagger must be between 0 and {MaxStagger}.", "stagger");
        }

        var fires = new List<ScheduleFire>();
        var cursor = request.From.AddTicks(-1);
        while (NextTick(compiled, cursor) is { } tick && tick <= request.To)
        {
            if (fires.Count == MaxBackfillTicks)
            {
                throw new WorldValidationException($"A backfill may hold at most {MaxBackfillTicks} ticks; split the range.", "to");
            }

            fires.Add(Pending(definition.ScheduleId, tick, ScheduleTriggerKind.Backfill, now + (request.Stagger * fires.Count), now, cancelRunId: null));
            cursor = tick;
        }

        return fires;
    }

    /// <summary>
    /// Decides one scheduler pass over an enabled schedule at <paramref name="now"/>: repairs a missing or misaligned
    /// next tick, collects the due ticks, applies the catch-up policy to those missed (later than
    /// <see cref="MisfireGrace"/>), applies the overlap policy given whether the previous run is still active, releases a
    /// buffered tick once it is not, and advances the state to the first tick not yet due.
    /// </summary>
    /// <param name="definition">The stored definition; if it cannot be compiled (edited outside the API) the plan records the error and retries after <see cref="ErrorRetry"/>.</param>
    /// <param name="state">The stored state.</param>
    /// <param name="now">The clock.</param>
    /// <param name="previousRunActive">Whether <see cref="ScheduleState.LastRunId"/> names a run that has not ended (or does not exist yet).</param>
    public static SchedulePlan Plan(ScheduleDefinition definition, ScheduleState state, DateTimeOffset now, bool previousRunActive)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(state);
        CompiledSchedule compiled;
        try
        {
            compiled = Compile(definition);
        }
        catch (WorldValidationException invalid)
        {
            // Retry later rather than now: an invalid stored definition must neither stall others nor spin.
            return new SchedulePlan(state with { NextFireAt = now + ErrorRetry, LastOutcome = "error: " + invalid.Message, UpdatedAt = now }, [], false);
        }

        var id = definition.ScheduleId;
        var repaired = false;
        var next = state.NextNominalAt;
        if (next is null || NextTick(compiled, next.Value.AddTicks(-1)) != next)
        {
            // Missing, or edited to an instant that is not a tick: recompute from the last consumed tick (or the
            // creation of a schedule that never fired), so no tick is lost; the catch-up policy then applies as usual.
            repaired = true;
            var from = state.LastNominalAt ?? (state.CreatedAt == default || state.CreatedAt > now ? now : state.CreatedAt);
            next = NextTick(compiled, from);
        }

        // Walk the due ticks, keeping the count, the first, and the most recent ones the catch-up policy may fire.
        var keep = definition.CatchUp == ScheduleCatchUp.RunAll ? definition.CatchUpBound : 1;
        var kept = new Queue<DateTimeOffset>(Math.Min(keep, 64));
        var count = 0;
        DateTimeOffset? first = null;
        DateTimeOffset? lastDropped = null;
        var truncated = false;
        var cursor = next;
        while (cursor is { } tick && tick <= now && tick + JitterOf(id, tick, definition.Jitter) <= now)
        {
            count++;
            first ??= tick;
            kept.Enqueue(tick);
            if (kept.Count > keep)
            {
                lastDropped = kept.Dequeue();
            }

            if (count >= MaxWalkedTicks)
            {
                truncated = true;
                lastDropped = kept.Count > 0 ? lastDropped : tick;
                cursor = NextTick(compiled, now);
                break;
            }

            cursor = NextTick(compiled, tick);
        }

        var fires = new List<ScheduleFire>();
        var toFire = new List<(DateTimeOffset Tick, ScheduleTriggerKind Kind)>();
        var outcome = state.LastOutcome;
        if (count > 0)
        {
            var last = kept.Last();
            var lastOnTime = now - (last + JitterOf(id, last, definition.Jitter)) <= MisfireGrace;
            var skipped = count - kept.Count;
            DateTimeOffset? skippedUntil = lastDropped;
            string reason;
            switch (definition.CatchUp)
            {
                case ScheduleCatchUp.Skip when !lastOnTime:
                    skipped = count;
                    skippedUntil = last;
                    reason = "missed during downtime; catch-up policy Skip fires none of them";
                    break;
                case ScheduleCatchUp.Skip:
                    toFire.Add((last, ScheduleTriggerKind.Scheduled));
                    reason = "missed during downtime; catch-up policy Skip fires none of them";
                    break;
                case ScheduleCatchUp.RunOnce:
                    toFire.Add((last, lastOnTime ? ScheduleTriggerKind.Scheduled : ScheduleTriggerKind.CatchUp));
                    reason = $"missed during downtime; catch-up policy RunOnce fired one run for {Format(last)}";
                    break;
                default:
                    toFire.AddRange(kept.Select(tick => (tick, tick == last && lastOnTime ? ScheduleTriggerKind.Scheduled : ScheduleTriggerKind.CatchUp)));
                    reason = $"missed during downtime beyond the catch-up bound of {definition.CatchUpBound} (RunAll fires the most recent ones)";
                    break;
            }

            if (skipped > 0)
            {
                var countText = truncated ? $"at least {skipped}" : skipped.ToString(CultureInfo.InvariantCulture);
                fires.Add(Skipped(id, first!.Value, ScheduleTriggerKind.CatchUp, now, $"{countText} tick(s) {reason}", skipped, skippedUntil));
                outcome = $"skipped {countText} missed tick(s)";
            }
        }

        // Overlap: the previous run is the last fire's; each pending fire becomes the previous run of the next.
        var active = previousRunActive;
        var lastRunId = state.LastRunId;
        var buffered = state.BufferedNominalAt;
        var firedAny = false;
        if (buffered is { } held && !active)
        {
            AddPending(held, ScheduleTriggerKind.Scheduled, cancel: null);
            buffered = null;
        }

        foreach (var (tick, kind) in toFire)
        {
            switch (definition.Overlap)
            {
                case ScheduleOverlap.AllowAll:
                    AddPending(tick, kind, cancel: null);
                    break;
                case ScheduleOverlap.CancelPrevious:
                    AddPending(tick, kind, cancel: active ? lastRunId : null);
                    break;
                case ScheduleOverlap.BufferOne when active && buffered is null:
                    buffered = tick;
                    outcome = $"buffered {Format(tick)} until run {lastRunId} ends";
                    break;
                case ScheduleOverlap.BufferOne when active:
                    fires.Add(Skipped(id, tick, kind, now, $"overlap: run {lastRunId} is still active and {Format(buffered!.Value)} is already buffered", 1, null));
                    outcome = $"skipped {Format(tick)}: overlap";
                    break;
                case ScheduleOverlap.Skip when active:
                    fires.Add(Skipped(id, tick, kind, now, $"overlap: run {lastRunId} is still active", 1, null));
                    outcome = $"skipped {Format(tick)}: overlap";
                    break;
                default:
                    AddPending(tick, kind, cancel: null);
                    break;
            }
        }

        var newState = state with
        {
            LastNominalAt = count > 0 ? kept.Last() : state.LastNominalAt,
            LastRunId = lastRunId,
            LastFiredAt = firedAny ? now : state.LastFiredAt,
            BufferedNominalAt = buffered,
            LastOutcome = outcome,
        };
        newState = WithNext(newState, definition, cursor);
        if (cursor is null && buffered is null)
        {
            newState = newState with { Enabled = false, PauseNote = "ended: the schedule has no further tick" };
        }

        if (newState != state)
        {
            newState = newState with { UpdatedAt = now };
        }

        return new SchedulePlan(newState, fires, repaired);

        void AddPending(DateTimeOffset tick, ScheduleTriggerKind kind, string? cancel)
        {
            var fire = Pending(id, tick, kind, tick + JitterOf(id, tick, definition.Jitter), now, cancel);
            fires.Add(fire);
            active = true;
            lastRunId = fire.RunId;
            firedAny = true;
            outcome = $"fired {Format(tick)} ({ScheduleAttributes.TriggerText(kind)}) as {fire.RunId}";
        }
    }

    private static ScheduleState WithNext(ScheduleState state, ScheduleDefinition definition, DateTimeOffset? next) =>
        state with { NextNominalAt = next, NextFireAt = next is { } tick ? tick + JitterOf(definition.ScheduleId, tick, definition.Jitter) : null };

    private static ScheduleFire Pending(string scheduleId, DateTimeOffset tick, ScheduleTriggerKind kind, DateTimeOffset fireAt, DateTimeOffset now, string? cancelRunId) => new()
    {
        ScheduleId = scheduleId,
        NominalAt = tick,
        Kind = kind,
        Status = ScheduleFireStatus.Pending,
        // The run id is chosen when the tick is decided and stored with it, so whoever creates the run (this scheduler,
        // or another after this one died) creates the same run; a second creation is a conflict, not a second run.
        RunId = WorldIds.NewRunId(now),
        FireAt = fireAt,
        CancelRunId = cancelRunId,
        CreatedAt = now,
    };

    private static ScheduleFire Skipped(string scheduleId, DateTimeOffset tick, ScheduleTriggerKind kind, DateTimeOffset now, string reason, int count, DateTimeOffset? until) => new()
    {
        ScheduleId = scheduleId,
        NominalAt = tick,
        Kind = kind,
        Status = ScheduleFireStatus.Skipped,
        FireAt = now,
        SkipReason = reason,
        SkippedCount = count,
        SkippedUntil = until,
        CreatedAt = now,
    };

    private static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static bool SameTiming(ScheduleDefinition a, ScheduleDefinition b) =>
        a.Cron == b.Cron && a.Interval == b.Interval && a.TimeZone == b.TimeZone && a.StartAt == b.StartAt && a.EndAt == b.EndAt
        && a.Window == b.Window && a.Jitter == b.Jitter
        && (a.BlackoutDates ?? []).SequenceEqual(b.BlackoutDates ?? []);

    private static DateTimeOffset? NextTick(CompiledSchedule compiled, DateTimeOffset after)
    {
        var definition = compiled.Definition;
        if (compiled.Anchor is { } start && after < start)
        {
            after = start.AddTicks(-1);
        }

        // Bounded: a window or blackout skips at most a day per jump, so a tick is found (or the end passed) in a few steps.
        for (var guard = 0; guard < 100_000; guard++)
        {
            DateTimeOffset? raw = compiled.Cron is { } cron
                ? cron.GetNextOccurrence(after, compiled.Zone)
                : NextInterval(compiled.Anchor ?? DateTimeOffset.UnixEpoch, definition.Interval!.Value, after);
            if (raw is not { } tick || (definition.EndAt is { } end && tick > end))
            {
                return null;
            }

            var local = TimeZoneInfo.ConvertTime(tick, compiled.Zone);
            var date = DateOnly.FromDateTime(local.DateTime);
            if (compiled.Blackout.Contains(date))
            {
                after = LocalToInstant(date.AddDays(1).ToDateTime(TimeOnly.MinValue), compiled.Zone).AddTicks(-1);
                continue;
            }

            if (definition.Window is { } window && !window.Contains(TimeOnly.FromDateTime(local.DateTime)))
            {
                var opening = date.ToDateTime(window.Start);
                if (opening <= local.DateTime)
                {
                    opening = opening.AddDays(1);
                }

                var jump = LocalToInstant(opening, compiled.Zone).AddTicks(-1);
                after = jump > tick ? jump : tick;
                continue;
            }

            // Every instant a schedule stores or compares is UTC (Cronos answers in the zone's offset).
            return tick.ToUniversalTime();
        }

        return null;
    }

    private static DateTimeOffset NextInterval(DateTimeOffset anchor, TimeSpan interval, DateTimeOffset after)
    {
        if (after < anchor)
        {
            return anchor;
        }

        var periods = ((after - anchor).Ticks / interval.Ticks) + 1;
        return anchor + TimeSpan.FromTicks(periods * interval.Ticks);
    }

    // A local wall-clock time as an instant: inside a DST gap the first instant after it; in an overlap the earlier one.
    private static DateTimeOffset LocalToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    private static CompiledSchedule Compile(ScheduleDefinition definition)
    {
        if (definition is null)
        {
            throw new WorldValidationException("A schedule definition is required.", "definition");
        }

        if (CompiledCache.TryGetValue(definition, out var cached))
        {
            return cached;
        }

        var compiled = CompileUncached(definition);
        CompiledCache.AddOrUpdate(definition, compiled);
        return compiled;
    }

    private static CompiledSchedule CompileUncached(ScheduleDefinition definition)
    {
        IdValidation.RequireSafeId(definition.ScheduleId, "scheduleId");
        IdValidation.RequireName(definition.WorkflowName, "workflowName");
        if (definition.Input.Length > QueueRules.MaxPayloadBytes)
        {
            throw new PayloadTooLargeException("input", definition.Input.Length, QueueRules.MaxPayloadBytes);
        }

        if ((definition.Cron is null) == (definition.Interval is null))
        {
            throw new InvalidScheduleException("A schedule needs exactly one of cron and interval.", definition.Cron is null ? "cron" : "interval");
        }

        CronExpression? cron = null;
        if (definition.Cron is { } text)
        {
            TextRules.RequireText(text, "cron", 1024);
            var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            try
            {
                cron = CronExpression.Parse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            }
            catch (CronFormatException invalid)
            {
                throw new InvalidScheduleException($"cron '{text}' is not a valid cron expression (five fields, or six with seconds first): {invalid.Message}", "cron");
            }
        }
        else if (definition.Interval is { } interval && (interval < MinInterval || interval > TimeSpan.FromDays(3650) || interval.Ticks % TimeSpan.TicksPerMillisecond != 0))
        {
            throw new InvalidScheduleException($"interval must be whole milliseconds between {MinInterval} and 3650 days, got {interval}.", "interval");
        }

        TimeZoneInfo zone;
        try
        {
            IdValidation.RequireKey(definition.TimeZone, "timeZone", 256);
            zone = TimeZoneInfo.FindSystemTimeZoneById(definition.TimeZone);
        }
        catch (Exception invalid) when (invalid is TimeZoneNotFoundException or InvalidTimeZoneException or WorldValidationException)
        {
            throw new InvalidScheduleException($"timeZone '{definition.TimeZone}' is not a known IANA time zone.", "timeZone");
        }

        if (!Enum.IsDefined(definition.Overlap))
        {
            throw new InvalidScheduleException($"overlap {(int)definition.Overlap} is not a defined ScheduleOverlap.", "overlap");
        }

        if (!Enum.IsDefined(definition.CatchUp))
        {
            throw new InvalidScheduleException($"catchUp {(int)definition.CatchUp} is not a defined ScheduleCatchUp.", "catchUp");
        }

        if (definition.CatchUpBound is < 1 or > MaxCatchUpBound)
        {
            throw new InvalidScheduleException($"catchUpBound must be 1 to {MaxCatchUpBound}, got {definition.CatchUpBound}.", "catchUpBound");
        }

        if (definition.Jitter < TimeSpan.Zero || definition.Jitter > MaxJitter)
        {
            throw new InvalidScheduleException($"jitter must be between 0 and {MaxJitter}, got {definition.Jitter}.", "jitter");
        }

        if (definition.StartAt is { } startAt && definition.EndAt is { } endAt && startAt > endAt)
        {
            throw new InvalidScheduleException("startAt must not be after endAt.", "startAt");
        }

        if (definition.Window is { } window && window.Start == window.End)
        {
            throw new InvalidScheduleException("A window's start and end must differ.", "window");
        }

        if (definition.BlackoutDates is { Count: > MaxBlackoutDates })
        {
            throw new InvalidScheduleException($"At most {MaxBlackoutDates} blackout dates.", "blackoutDates");
        }

        // Ticks are whole seconds (cron) or whole milliseconds from a whole-second anchor (interval), so they survive
        // storage at microsecond precision exactly and a stored tick is always recognised as a tick.
        DateTimeOffset? anchor = definition.StartAt is { } begin ? DateTimeOffset.FromUnixTimeSeconds(begin.ToUnixTimeSeconds()) : null;
        var compiled = new CompiledSchedule(definition, cron, zone, [.. definition.BlackoutDates ?? []], anchor);
        if (NextTick(compiled, DateTimeOffset.UnixEpoch) is null && definition.EndAt is null)
        {
            // A cron that can never match (30 February) would stall forever with no next tick: refuse it up front.
            throw new InvalidScheduleException($"cron '{definition.Cron}' never matches a date.", "cron");
        }

        return compiled;
    }

    private sealed record CompiledSchedule(ScheduleDefinition Definition, CronExpression? Cron, TimeZoneInfo Zone, HashSet<DateOnly> Blackout, DateTimeOffset? Anchor);
}
