using World.Backends;

namespace World.Abstractions.Tests.Schedules;

public sealed class ScheduleRulesTests
{
    private static readonly DateTimeOffset Jan1 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ScheduleDefinition Cron(string cron, string zone = "UTC") => new() { ScheduleId = "s1", WorkflowName = "wf", Cron = cron, TimeZone = zone };

    private static ScheduleDefinition Every(TimeSpan interval) => new() { ScheduleId = "s1", WorkflowName = "wf", Interval = interval };

    private static ScheduleState StateAt(ScheduleDefinition definition, DateTimeOffset now) => ScheduleRules.InitialState(definition with { Enabled = true }, now);

    [Theory]
    [InlineData("Europe/Berlin")]
    [InlineData("America/New_York")]
    [InlineData("Asia/Kolkata")]
    public void Iana_zones_resolve_under_invariant_globalization(string zone)
    {
        ScheduleRules.Validate(Cron("0 9 * * *", zone));
        Assert.NotNull(ScheduleRules.NextTick(Cron("0 9 * * *", zone), Jan1));
    }

    [Fact]
    public void Spring_forward_gap_fires_once_at_the_end_of_the_gap()
    {
        // Europe/Berlin jumps from 02:00 to 03:00 on 2026-03-29: 02:30 does not exist that day.
        var ticks = ScheduleRules.Preview(Cron("30 2 * * *", "Europe/Berlin"), new DateTimeOffset(2026, 3, 27, 12, 0, 0, TimeSpan.Zero), 4);
        Assert.Equal(
            [
                new DateTimeOffset(2026, 3, 28, 1, 30, 0, TimeSpan.Zero), // 02:30 CET
                new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero),  // the gap: 03:00 CEST
                new DateTimeOffset(2026, 3, 30, 0, 30, 0, TimeSpan.Zero), // 02:30 CEST
                new DateTimeOffset(2026, 3, 31, 0, 30, 0, TimeSpan.Zero),
            ],
            ticks);
    }

    [Fact]
    public void Fall_back_overlap_fires_a_fixed_time_once_and_a_stepped_time_in_both_passes()
    {
        // Europe/Berlin repeats 02:00-03:00 on 2026-10-25 (00:00Z-01:00Z is CEST, 01:00Z-02:00Z is CET).
        var daily = ScheduleRules.Preview(Cron("30 2 * * *", "Europe/Berlin"), new DateTimeOffset(2026, 10, 24, 12, 0, 0, TimeSpan.Zero), 2);
        Assert.Equal([new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 26, 1, 30, 0, TimeSpan.Zero)], daily);

        var stepped = ScheduleRules.Preview(Cron("*/30 * * * *", "Europe/Berlin"), new DateTimeOffset(2026, 10, 24, 23, 45, 0, TimeSpan.Zero), 6);
        Assert.Equal(
            Enumerable.Range(0, 6).Select(i => new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.Zero).AddMinutes(30 * i)),
            stepped);
    }

    [Fact]
    public void New_york_transitions_follow_the_same_rules()
    {
        var spring = ScheduleRules.Preview(Cron("30 2 * * *", "America/New_York"), new DateTimeOffset(2026, 3, 7, 12, 0, 0, TimeSpan.Zero), 2);
        // New York jumps from 02:00 EST to 03:00 EDT on 2026-03-08: the 02:30 tick fires at 03:00 EDT (07:00Z).
        Assert.Equal([new DateTimeOffset(2026, 3, 8, 7, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 9, 6, 30, 0, TimeSpan.Zero)], spring);
        var fall = ScheduleRules.Preview(Cron("30 1 * * *", "America/New_York"), new DateTimeOffset(2026, 10, 31, 12, 0, 0, TimeSpan.Zero), 2);
        Assert.Equal([new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 2, 6, 30, 0, TimeSpan.Zero)], fall);
    }

    [Fact]
    public void Seconds_field_is_optional()
    {
        var ticks = ScheduleRules.Preview(Cron("*/15 * * * * *"), Jan1, 3);
        Assert.Equal([Jan1.AddSeconds(15), Jan1.AddSeconds(30), Jan1.AddSeconds(45)], ticks);
    }

    [Fact]
    public void Interval_counts_elapsed_time_from_the_anchor_across_dst()
    {
        var definition = Every(TimeSpan.FromHours(5)) with { StartAt = new DateTimeOffset(2026, 3, 28, 22, 0, 0, TimeSpan.Zero), TimeZone = "Europe/Berlin" };
        var ticks = ScheduleRules.Preview(definition, Jan1, 3);
        Assert.Equal([new DateTimeOffset(2026, 3, 28, 22, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 29, 8, 0, 0, TimeSpan.Zero)], ticks);
    }

    [Theory]
    [InlineData("not a cron", "UTC", "cron")]
    [InlineData("61 * * * *", "UTC", "cron")]
    [InlineData("0 9 * * *", "Mars/Olympus_Mons", "timeZone")]
    [InlineData("0 0 30 2 *", "UTC", "cron")]
    public void Invalid_timing_is_a_typed_error(string cron, string zone, string field)
    {
        var error = Assert.Throws<InvalidScheduleException>(() => ScheduleRules.Validate(Cron(cron, zone)));
        Assert.Equal(WorldErrorCodes.InvalidSchedule, error.Code);
        Assert.Equal(400, error.Status);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void Exactly_one_of_cron_and_interval()
    {
        Assert.Throws<InvalidScheduleException>(() => ScheduleRules.Validate(Cron("* * * * *") with { Interval = TimeSpan.FromMinutes(1) }));
        Assert.Throws<InvalidScheduleException>(() => ScheduleRules.Validate(Cron("* * * * *") with { Cron = null }));
        Assert.Throws<InvalidScheduleException>(() => ScheduleRules.Validate(Every(TimeSpan.FromMilliseconds(10))));
        Assert.Throws<WorldValidationException>(() => ScheduleRules.Validate(Cron("* * * * *") with { ScheduleId = "bad id" }));
    }

    [Fact]
    public void On_time_tick_fires_scheduled_and_advances()
    {
        var definition = Cron("*/5 * * * *");
        var state = StateAt(definition, Jan1);
        var plan = ScheduleRules.Plan(definition, state, Jan1.AddMinutes(5).AddSeconds(2), previousRunActive: false);
        var fire = Assert.Single(plan.Fires);
        Assert.Equal((Jan1.AddMinutes(5), ScheduleTriggerKind.Scheduled, ScheduleFireStatus.Pending), (fire.NominalAt, fire.Kind, fire.Status));
        Assert.NotNull(fire.RunId);
        Assert.Equal(Jan1.AddMinutes(10), plan.State.NextNominalAt);
        Assert.Equal(fire.RunId, plan.State.LastRunId);
        Assert.False(plan.Repaired);
    }

    [Fact]
    public void Catch_up_skip_after_three_days_fires_nothing_and_records_every_missed_tick()
    {
        var definition = Cron("0 * * * *") with { CatchUp = ScheduleCatchUp.Skip };
        var plan = ScheduleRules.Plan(definition, StateAt(definition, Jan1), Jan1.AddDays(3).AddMinutes(30), false);
        var skipped = Assert.Single(plan.Fires);
        Assert.Equal((ScheduleFireStatus.Skipped, 72, Jan1.AddHours(1), Jan1.AddHours(72)), (skipped.Status, skipped.SkippedCount, skipped.NominalAt, skipped.SkippedUntil));
        Assert.Contains("Skip", skipped.SkipReason, StringComparison.Ordinal);
        Assert.Equal(Jan1.AddHours(73), plan.State.NextNominalAt);
    }

    [Fact]
    public void Catch_up_run_once_fires_the_latest_missed_tick()
    {
        var definition = Cron("0 * * * *") with { CatchUp = ScheduleCatchUp.RunOnce };
        var plan = ScheduleRules.Plan(definition, StateAt(definition, Jan1), Jan1.AddDays(3).AddMinutes(30), false);
        var pending = Assert.Single(plan.Fires, f => f.Status == ScheduleFireStatus.Pending);
        Assert.Equal((Jan1.AddHours(72), ScheduleTriggerKind.CatchUp), (pending.NominalAt, pending.Kind));
        Assert.Equal(71, Assert.Single(plan.Fires, f => f.Status == ScheduleFireStatus.Skipped).SkippedCount);
    }

    [Fact]
    public void Catch_up_run_all_fires_the_most_recent_ticks_up_to_the_bound()
    {
        var definition = Cron("0 * * * *") with { CatchUp = ScheduleCatchUp.RunAll, CatchUpBound = 5, Overlap = ScheduleOverlap.AllowAll };
        var plan = ScheduleRules.Plan(definition, StateAt(definition, Jan1), Jan1.AddDays(3).AddMinutes(30), false);
        var pending = plan.Fires.Where(f => f.Status == ScheduleFireStatus.Pending).ToList();
        Assert.Equal(Enumerable.Range(68, 5).Select(h => Jan1.AddHours(h)), pending.Select(f => f.NominalAt));
        Assert.All(pending, f => Assert.Equal(ScheduleTriggerKind.CatchUp, f.Kind));
        var skipped = Assert.Single(plan.Fires, f => f.Status == ScheduleFireStatus.Skipped);
        Assert.Equal((67, Jan1.AddHours(1), Jan1.AddHours(67)), (skipped.SkippedCount, skipped.NominalAt, skipped.SkippedUntil));
    }

    [Fact]
    public void Overlap_skip_records_the_active_run()
    {
        var definition = Cron("* * * * *") with { Overlap = ScheduleOverlap.Skip };
        var state = StateAt(definition, Jan1) with { LastRunId = "wrun_previous" };
        var plan = ScheduleRules.Plan(definition, state, Jan1.AddMinutes(1), previousRunActive: true);
        var skipped = Assert.Single(plan.Fires);
        Assert.Equal(ScheduleFireStatus.Skipped, skipped.Status);
        Assert.Contains("wrun_previous", skipped.SkipReason, StringComparison.Ordinal);
        Assert.Equal("wrun_previous", plan.State.LastRunId);
    }

    [Fact]
    public void Overlap_buffer_one_holds_one_tick_and_releases_it_when_the_run_ends()
    {
        var definition = Cron("* * * * *") with { Overlap = ScheduleOverlap.BufferOne };
        var state = StateAt(definition, Jan1) with { LastRunId = "wrun_previous" };
        var first = ScheduleRules.Plan(definition, state, Jan1.AddMinutes(1), true);
        Assert.Empty(first.Fires);
        Assert.Equal(Jan1.AddMinutes(1), first.State.BufferedNominalAt);
        var second = ScheduleRules.Plan(definition, first.State, Jan1.AddMinutes(2), true);
        Assert.Equal(ScheduleFireStatus.Skipped, Assert.Single(second.Fires).Status);
        var released = ScheduleRules.Plan(definition, second.State, Jan1.AddMinutes(2).AddSeconds(10), false);
        var fire = Assert.Single(released.Fires);
        Assert.Equal((Jan1.AddMinutes(1), ScheduleFireStatus.Pending), (fire.NominalAt, fire.Status));
        Assert.Null(released.State.BufferedNominalAt);
    }

    [Fact]
    public void Overlap_cancel_previous_and_allow_all_fire()
    {
        var cancel = Cron("* * * * *") with { Overlap = ScheduleOverlap.CancelPrevious };
        var plan = ScheduleRules.Plan(cancel, StateAt(cancel, Jan1) with { LastRunId = "wrun_previous" }, Jan1.AddMinutes(1), true);
        Assert.Equal("wrun_previous", Assert.Single(plan.Fires).CancelRunId);
        var allow = Cron("* * * * *") with { Overlap = ScheduleOverlap.AllowAll };
        plan = ScheduleRules.Plan(allow, StateAt(allow, Jan1) with { LastRunId = "wrun_previous" }, Jan1.AddMinutes(1), true);
        Assert.Null(Assert.Single(plan.Fires).CancelRunId);
    }

    [Fact]
    public void Jitter_is_deterministic_and_bounded()
    {
        var jitter = TimeSpan.FromSeconds(30);
        var delays = Enumerable.Range(0, 200).Select(i => ScheduleRules.JitterOf("s1", Jan1.AddMinutes(i), jitter)).ToList();
        Assert.All(delays, d => Assert.InRange(d, TimeSpan.Zero, jitter));
        Assert.Equal(delays, Enumerable.Range(0, 200).Select(i => ScheduleRules.JitterOf("s1", Jan1.AddMinutes(i), jitter)));
        Assert.True(delays.Distinct().Count() > 100);

        // A jittered tick is not due before its fire time.
        var definition = Cron("* * * * *") with { Jitter = jitter };
        var state = StateAt(definition, Jan1);
        Assert.Equal(state.NextNominalAt + ScheduleRules.JitterOf("s1", Jan1.AddMinutes(1), jitter), state.NextFireAt);
        Assert.Empty(ScheduleRules.Plan(definition, state, state.NextFireAt!.Value.AddMilliseconds(-1), false).Fires);
        Assert.Single(ScheduleRules.Plan(definition, state, state.NextFireAt!.Value, false).Fires);
    }

    [Fact]
    public void Missing_or_misaligned_next_tick_is_repaired_without_losing_ticks()
    {
        var definition = Cron("*/5 * * * *");
        var state = StateAt(definition, Jan1) with { NextNominalAt = null, NextFireAt = null, LastNominalAt = Jan1 };
        var plan = ScheduleRules.Plan(definition, state, Jan1.AddMinutes(5), false);
        Assert.True(plan.Repaired);
        Assert.Equal(Jan1.AddMinutes(5), Assert.Single(plan.Fires).NominalAt);

        var edited = StateAt(definition, Jan1) with { NextNominalAt = Jan1.AddMinutes(3), LastNominalAt = Jan1 };
        plan = ScheduleRules.Plan(definition, edited, Jan1.AddMinutes(4), false);
        Assert.True(plan.Repaired);
        Assert.Empty(plan.Fires);
        Assert.Equal(Jan1.AddMinutes(5), plan.State.NextNominalAt);
    }

    [Fact]
    public void Window_and_blackout_dates_remove_ticks()
    {
        var definition = Cron("0 * * * *", "Europe/Berlin") with
        {
            Window = new ScheduleWindow(new TimeOnly(9, 0), new TimeOnly(11, 0)),
            BlackoutDates = [new DateOnly(2026, 1, 2)],
        };
        var ticks = ScheduleRules.Preview(definition, Jan1, 4);
        Assert.Equal(
            [
                new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 1, 3, 8, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 1, 3, 9, 0, 0, TimeSpan.Zero),
            ],
            ticks);
    }

    [Fact]
    public void End_disables_the_schedule_after_its_last_tick()
    {
        var definition = Cron("0 * * * *") with { EndAt = Jan1.AddHours(2) };
        var state = StateAt(definition, Jan1);
        var plan = ScheduleRules.Plan(definition, state, Jan1.AddHours(1), false);
        plan = ScheduleRules.Plan(definition, plan.State, Jan1.AddHours(2), false);
        Assert.Single(plan.Fires);
        Assert.False(plan.State.Enabled);
        Assert.Null(plan.State.NextNominalAt);
    }

    [Fact]
    public void Backfill_is_staggered_and_bounded()
    {
        var definition = Cron("* * * * *");
        var now = Jan1.AddDays(10);
        var fires = ScheduleRules.BackfillFires(definition, new ScheduleBackfillRequest { From = Jan1, To = Jan1.AddMinutes(999), Stagger = TimeSpan.FromSeconds(2) }, now);
        Assert.Equal(1000, fires.Count);
        Assert.Equal(now, fires[0].FireAt);
        Assert.Equal(now.AddSeconds(2 * 999), fires[^1].FireAt);
        Assert.All(fires, f => Assert.Equal(ScheduleTriggerKind.Backfill, f.Kind));
        Assert.Throws<WorldValidationException>(() => ScheduleRules.BackfillFires(definition, new ScheduleBackfillRequest { From = Jan1, To = Jan1.AddDays(7) }, now));
        Assert.Throws<WorldValidationException>(() => ScheduleRules.BackfillFires(definition, new ScheduleBackfillRequest { From = Jan1, To = now.AddMinutes(1) }, now));
    }

    [Fact]
    public void A_pending_fires_run_id_is_kept_while_creatable_held_near_the_window_end_and_renewed_after_it()
    {
        var fire = ScheduleRules.ManualFire("s1", Jan1);
        var windowEnd = Jan1 + IdValidation.ClientRunIdMaxAge;
        var margin = ScheduleRules.RunIdRenewalMargin;

        Assert.Same(fire, ScheduleRules.ReviewRunId(fire, runExists: false, windowEnd - margin - TimeSpan.FromSeconds(1), out _));
        Assert.Null(ScheduleRules.ReviewRunId(fire, runExists: false, windowEnd - margin, out var heldUntil));
        Assert.Equal(windowEnd + margin, heldUntil);
        Assert.Null(ScheduleRules.ReviewRunId(fire, runExists: false, windowEnd + margin - TimeSpan.FromSeconds(1), out _));

        var now = windowEnd + margin;
        var renewed = ScheduleRules.ReviewRunId(fire, runExists: false, now, out _)!;
        Assert.NotEqual(fire.RunId, renewed.RunId);
        Assert.Equal(fire with { RunId = renewed.RunId }, renewed);
        Assert.True(WorldIds.TryGetTimestamp(renewed.RunId!, IdPrefixes.Run, out var minted));
        Assert.Equal(now.ToUnixTimeMilliseconds(), minted.ToUnixTimeMilliseconds());
        IdValidation.RequireClientRunId(renewed.RunId!, now);

        // A run that exists keeps its id however old: the firer finds it instead of creating another.
        Assert.Same(fire, ScheduleRules.ReviewRunId(fire, runExists: true, Jan1.AddDays(30), out _));
    }
}
