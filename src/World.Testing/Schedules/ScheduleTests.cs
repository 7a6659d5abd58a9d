using System.Globalization;
using World.Backends;

namespace World.Testing.Schedules;

/// <summary>
/// The schedule contract on a fake clock: cron and interval ticks over months and across both DST transitions, each
/// catch-up policy after a 3-day outage, each overlap policy with a slow run, concurrent schedulers racing on the same
/// ticks (exactly one run per tick), schedulers dying mid-fire, invalid definitions, bounded and staggered backfill, and
/// pause, resume and trigger-now.
/// </summary>
public abstract class ScheduleTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    private const string Deployment = "dpl_schedules";

    private static ScheduleDefinition Cron(string id, string cron, string zone = "UTC") =>
        new() { ScheduleId = id, WorkflowName = "workflow//scheduled", Input = Bytes("[42]"), Cron = cron, TimeZone = zone, Enabled = true };

    private ScheduleFirer Firer(string owner = "scheduler-a", int batchSize = 200) =>
        new(World, new ScheduleFirerOptions { DeploymentId = Deployment, Owner = owner, BatchSize = batchSize });

    /// <summary>Fires until nothing more is due now.</summary>
    private async Task<int> FireAllAsync(ScheduleFirer? firer = null)
    {
        firer ??= Firer();
        var created = 0;
        while (true)
        {
            var batch = await firer.FireDueAsync(Cancellation);
            created += batch.Created;
            if (batch.Claimed == 0)
            {
                return created;
            }
        }
    }

    private async Task<List<ScheduleFire>> FiresAsync(string scheduleId, ScheduleFireStatus? status = null)
    {
        var fires = new List<ScheduleFire>();
        string? cursor = null;
        do
        {
            var page = await World.Schedules.ListFiresAsync(new ScheduleFireQuery { ScheduleId = scheduleId, Status = status, Page = new PageRequest { Cursor = cursor, Limit = 1000, SortOrder = SortOrder.Ascending } }, Cancellation);
            fires.AddRange(page.Data);
            cursor = page.HasMore ? page.Cursor : null;
        }
        while (cursor is not null);
        return fires;
    }

    /// <summary>The runs a schedule created, read back from the World by the run ids of its created fires.</summary>
    private async Task<List<WorkflowRun>> RunsOfAsync(string scheduleId)
    {
        var runIds = (await FiresAsync(scheduleId, ScheduleFireStatus.Created)).Select(f => f.RunId!).ToList();
        var runs = new List<WorkflowRun>();
        foreach (var chunk in runIds.Chunk(1000))
        {
            runs.AddRange((await World.Runs.GetManyAsync(chunk, ReadOptions.WithoutData, Cancellation)).Select(r => r ?? throw new InvalidOperationException("a created fire's run is missing")));
        }

        Assert.All(runs, run => Assert.Equal(scheduleId, run.Attributes[ScheduleAttributes.ScheduleId]));
        return runs;
    }

    private static DateTimeOffset NominalOf(WorkflowRun run) =>
        DateTimeOffset.Parse(run.Attributes[ScheduleAttributes.NominalTime], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>Moves the clock to the schedule's next fire time (plus a second) and fires; false when it has none.</summary>
    private async Task<bool> StepToNextTickAsync(string scheduleId)
    {
        var schedule = await World.Schedules.GetAsync(scheduleId, Cancellation);
        if (schedule.State.NextFireAt is not { } next)
        {
            return false;
        }

        Clock.SetUtcNow(next.AddSeconds(1));
        await FireAllAsync();
        return true;
    }

    private async Task EndRunAsync(string runId)
    {
        await AppendAsync(runId, new RunStarted());
        await AppendAsync(runId, new RunCompleted(Bytes("done")));
    }

    [Fact]
    public async Task Upsert_creates_disabled_unless_enabled_and_keeps_state_on_update()
    {
        var created = await World.Schedules.UpsertAsync(Cron("nightly", "0 3 * * *") with { Enabled = false }, Cancellation);
        Assert.False(created.State.Enabled);
        Assert.Equal(new DateTimeOffset(2026, 1, 16, 3, 0, 0, TimeSpan.Zero), created.State.NextNominalAt);

        await World.Schedules.ResumeAsync("nightly", Cancellation);
        var updated = await World.Schedules.UpsertAsync(Cron("nightly", "0 4 * * *") with { Enabled = false, Input = Bytes("[7]") }, Cancellation);
        Assert.True(updated.State.Enabled);
        Assert.Equal(new DateTimeOffset(2026, 1, 16, 4, 0, 0, TimeSpan.Zero), updated.State.NextNominalAt);

        var read = await World.Schedules.GetAsync("nightly", Cancellation);
        Assert.Equal("0 4 * * *", read.Definition.Cron);
        Assert.Equal(Bytes("[7]"), read.Definition.Input.ToArray());
        Assert.True(read.State.Enabled);
        Assert.Equal(
            [new DateTimeOffset(2026, 1, 16, 4, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 1, 17, 4, 0, 0, TimeSpan.Zero)],
            await World.Schedules.PreviewAsync("nightly", 2, Cancellation));
    }

    [Fact]
    public async Task Invalid_expression_is_a_typed_error_and_the_schedule_stays_disabled()
    {
        await World.Schedules.UpsertAsync(Cron("report", "0 6 * * *") with { Enabled = false }, Cancellation);
        var error = await Assert.ThrowsAsync<InvalidScheduleException>(() => World.Schedules.UpsertAsync(Cron("report", "0 6 * * * * *"), Cancellation));
        Assert.Equal((WorldErrorCodes.InvalidSchedule, "cron"), (error.Code, error.Field));
        var zone = await Assert.ThrowsAsync<InvalidScheduleException>(() => World.Schedules.UpsertAsync(Cron("report", "0 6 * * *", "Europe/Atlantis"), Cancellation));
        Assert.Equal("timeZone", zone.Field);

        var stored = await World.Schedules.GetAsync("report", Cancellation);
        Assert.False(stored.State.Enabled);
        Assert.Equal("0 6 * * *", stored.Definition.Cron);

        await Assert.ThrowsAsync<InvalidScheduleException>(() => World.Schedules.UpsertAsync(Cron("fresh", "banana"), Cancellation));
        await Assert.ThrowsAsync<ScheduleNotFoundException>(() => World.Schedules.GetAsync("fresh", Cancellation));
        Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await FireAllAsync());
    }

    [Fact]
    public async Task Cron_fires_daily_for_ten_months_across_both_dst_transitions_in_berlin()
    {
        // 02:30 Berlin does not exist on 2026-03-29 (fires at 03:00 CEST) and exists twice on 2026-10-25 (fires once).
        await World.Schedules.UpsertAsync(Cron("daily", "30 2 * * *", "Europe/Berlin") with { Overlap = ScheduleOverlap.AllowAll }, Cancellation);
        var end = new DateTimeOffset(2026, 11, 15, 12, 0, 0, TimeSpan.Zero);
        while (Clock.GetUtcNow() < end && await StepToNextTickAsync("daily"))
        {
        }

        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var locals = (await RunsOfAsync("daily")).Select(run => TimeZoneInfo.ConvertTime(NominalOf(run), berlin).DateTime).OrderBy(t => t).ToList();
        var days = Enumerable.Range(0, (new DateTime(2026, 11, 17) - new DateTime(2026, 1, 16)).Days).Select(i => new DateTime(2026, 1, 16).AddDays(i)).ToList();
        Assert.Equal(days.Count, locals.Count);
        Assert.Equal(days, locals.Select(t => t.Date));
        Assert.All(locals, t => Assert.Equal(t.Date == new DateTime(2026, 3, 29) ? new TimeSpan(3, 0, 0) : new TimeSpan(2, 30, 0), t.TimeOfDay));
    }

    [Fact]
    public async Task Hourly_cron_has_23_and_25_ticks_on_the_new_york_transition_days()
    {
        await World.Schedules.UpsertAsync(Cron("hourly", "0 * * * *", "America/New_York") with { Overlap = ScheduleOverlap.AllowAll, StartAt = new DateTimeOffset(2026, 3, 7, 0, 0, 0, TimeSpan.Zero) }, Cancellation);
        while (Clock.GetUtcNow() < new DateTimeOffset(2026, 3, 10, 6, 0, 0, TimeSpan.Zero) && await StepToNextTickAsync("hourly"))
        {
        }

        await World.Schedules.UpsertAsync(Cron("hourly", "0 * * * *", "America/New_York") with { Overlap = ScheduleOverlap.AllowAll, StartAt = new DateTimeOffset(2026, 10, 31, 0, 0, 0, TimeSpan.Zero) }, Cancellation);
        while (Clock.GetUtcNow() < new DateTimeOffset(2026, 11, 3, 6, 0, 0, TimeSpan.Zero) && await StepToNextTickAsync("hourly"))
        {
        }

        var york = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var perDay = (await RunsOfAsync("hourly")).GroupBy(run => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(NominalOf(run), york).DateTime)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(23, perDay[new DateOnly(2026, 3, 8)]);
        Assert.Equal(24, perDay[new DateOnly(2026, 3, 9)]);
        Assert.Equal(25, perDay[new DateOnly(2026, 11, 1)]);
        Assert.Equal(24, perDay[new DateOnly(2026, 11, 2)]);
    }

    [Fact]
    public async Task Interval_fires_every_period_of_elapsed_time_for_months()
    {
        var start = new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);
        await World.Schedules.UpsertAsync(new ScheduleDefinition { ScheduleId = "every-7h", WorkflowName = "workflow//scheduled", Interval = TimeSpan.FromHours(7), StartAt = start, TimeZone = "Europe/Berlin", Enabled = true, Overlap = ScheduleOverlap.AllowAll }, Cancellation);
        while (Clock.GetUtcNow() < new DateTimeOffset(2026, 4, 15, 0, 0, 0, TimeSpan.Zero) && await StepToNextTickAsync("every-7h"))
        {
        }

        var nominal = (await RunsOfAsync("every-7h")).Select(NominalOf).OrderBy(t => t).ToList();
        Assert.True(nominal.Count > 300);
        Assert.Equal(Enumerable.Range(0, nominal.Count).Select(i => start.AddHours(7 * i)), nominal);
    }

    [Theory]
    [InlineData(ScheduleCatchUp.Skip, 0, 72)]
    [InlineData(ScheduleCatchUp.RunOnce, 1, 71)]
    [InlineData(ScheduleCatchUp.RunAll, 24, 48)]
    public async Task Catch_up_after_a_three_day_outage(ScheduleCatchUp policy, int expectedRuns, int expectedSkipped)
    {
        await World.Schedules.UpsertAsync(Cron("hourly", "0 * * * *") with { CatchUp = policy, CatchUpBound = 24, Overlap = ScheduleOverlap.AllowAll }, Cancellation);
        Clock.Advance(TimeSpan.FromDays(3).Add(TimeSpan.FromMinutes(30)));
        await FireAllAsync();

        var runs = await RunsOfAsync("hourly");
        Assert.Equal(expectedRuns, runs.Count);
        Assert.All(runs, run => Assert.Equal("catch-up", run.Attributes[ScheduleAttributes.Trigger]));
        var skipped = Assert.Single(await FiresAsync("hourly", ScheduleFireStatus.Skipped));
        Assert.Equal(expectedSkipped, skipped.SkippedCount);
        Assert.False(string.IsNullOrEmpty(skipped.SkipReason));

        // After the outage the schedule is on time again: the next tick fires as a normal scheduled run.
        Assert.True(await StepToNextTickAsync("hourly"));
        var latest = (await RunsOfAsync("hourly")).MaxBy(NominalOf)!;
        Assert.Equal("scheduled", latest.Attributes[ScheduleAttributes.Trigger]);
        Assert.Equal(expectedRuns + 1, (await RunsOfAsync("hourly")).Count);
    }

    [Fact]
    public async Task Overlap_skip_with_a_slow_run_skips_ticks_until_it_ends()
    {
        await World.Schedules.UpsertAsync(Cron("minutely", "* * * * *") with { Overlap = ScheduleOverlap.Skip }, Cancellation);
        await StepToNextTickAsync("minutely");
        var slow = Assert.Single(await RunsOfAsync("minutely"));
        await StepToNextTickAsync("minutely");
        await StepToNextTickAsync("minutely");
        Assert.Single(await RunsOfAsync("minutely"));
        var skipped = await FiresAsync("minutely", ScheduleFireStatus.Skipped);
        Assert.Equal(2, skipped.Count);
        Assert.All(skipped, f => Assert.Contains(slow.RunId, f.SkipReason, StringComparison.Ordinal));

        await EndRunAsync(slow.RunId);
        await StepToNextTickAsync("minutely");
        Assert.Equal(2, (await RunsOfAsync("minutely")).Count);
    }

    [Fact]
    public async Task Overlap_buffer_one_fires_the_held_tick_when_the_slow_run_ends()
    {
        await World.Schedules.UpsertAsync(Cron("minutely", "* * * * *") with { Overlap = ScheduleOverlap.BufferOne }, Cancellation);
        await StepToNextTickAsync("minutely");
        var slow = Assert.Single(await RunsOfAsync("minutely"));
        await StepToNextTickAsync("minutely"); // buffered
        var buffered = (await World.Schedules.GetAsync("minutely", Cancellation)).State.BufferedNominalAt;
        Assert.NotNull(buffered);
        await StepToNextTickAsync("minutely"); // skipped: the buffer is full
        Assert.Single(await RunsOfAsync("minutely"));
        Assert.Single(await FiresAsync("minutely", ScheduleFireStatus.Skipped));

        await EndRunAsync(slow.RunId);
        await FireAllAsync();
        var runs = await RunsOfAsync("minutely");
        Assert.Equal(2, runs.Count);
        Assert.Contains(runs, run => NominalOf(run) == buffered);
        Assert.Null((await World.Schedules.GetAsync("minutely", Cancellation)).State.BufferedNominalAt);
    }

    [Fact]
    public async Task Overlap_allow_all_runs_side_by_side()
    {
        await World.Schedules.UpsertAsync(Cron("minutely", "* * * * *") with { Overlap = ScheduleOverlap.AllowAll }, Cancellation);
        for (var i = 0; i < 3; i++)
        {
            await StepToNextTickAsync("minutely");
        }

        var runs = await RunsOfAsync("minutely");
        Assert.Equal(3, runs.Count);
        Assert.All(runs, run => Assert.Equal(RunStatus.Pending, run.Status));
    }

    [Fact]
    public async Task Overlap_cancel_previous_cancels_the_slow_run()
    {
        await World.Schedules.UpsertAsync(Cron("minutely", "* * * * *") with { Overlap = ScheduleOverlap.CancelPrevious }, Cancellation);
        await StepToNextTickAsync("minutely");
        var slow = Assert.Single(await RunsOfAsync("minutely"));
        await AppendAsync(slow.RunId, new RunStarted());
        await StepToNextTickAsync("minutely");

        var runs = await RunsOfAsync("minutely");
        Assert.Equal(2, runs.Count);
        Assert.Equal(RunStatus.Cancelled, (await World.Runs.GetAsync(slow.RunId, ReadOptions.WithoutData, Cancellation)).Status);
        Assert.Equal(RunStatus.Pending, runs.Single(run => run.RunId != slow.RunId).Status);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public async Task Concurrent_schedulers_create_exactly_one_run_per_tick(int instances)
    {
        // 100 per-second schedules for 100 simulated seconds: 10,000 ticks, each second's 100 raced by every instance in
        // parallel. Cheap per tick: each instance claims 20 fires per pass, so a second is a few passes, not one per tick.
        const int schedules = 100;
        const int seconds = 100;
        for (var i = 0; i < schedules; i++)
        {
            await World.Schedules.UpsertAsync(Cron($"race-{i:D3}", "* * * * * *") with { Overlap = ScheduleOverlap.AllowAll, CatchUp = ScheduleCatchUp.RunAll, CatchUpBound = 100 }, Cancellation);
        }

        var firers = Enumerable.Range(0, instances).Select(i => Firer($"scheduler-{i}", batchSize: 20)).ToArray();
        var reportedCreated = 0;
        for (var second = 0; second < seconds; second++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            var created = await Task.WhenAll(firers.Select(firer => Task.Run(() => FireAllAsync(firer), Cancellation)));
            reportedCreated += created.Sum();
        }

        Assert.Equal(schedules * seconds, reportedCreated);
        var ticks = new HashSet<(string, DateTimeOffset)>();
        var runIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < schedules; i++)
        {
            var fires = await FiresAsync($"race-{i:D3}");
            Assert.All(fires, fire => Assert.Equal(ScheduleFireStatus.Created, fire.Status));
            Assert.Equal(seconds, fires.Count);
            Assert.All(fires, fire => Assert.True(ticks.Add((fire.ScheduleId, fire.NominalAt)) && runIds.Add(fire.RunId!)));
        }

        // Every run in the World is one of those fires' runs, and carries that fire's tick: one run per tick, no extra.
        var all = 0;
        string? cursor = null;
        do
        {
            var page = await World.Runs.ListAsync(new RunQuery { Page = new PageRequest { Cursor = cursor, Limit = 1000 }, ResolveData = ResolveData.None }, Cancellation);
            foreach (var run in page.Data)
            {
                Assert.Contains(run.RunId, runIds);
                Assert.Contains((run.Attributes[ScheduleAttributes.ScheduleId], NominalOf(run)), ticks);
            }

            all += page.Data.Count;
            cursor = page.HasMore ? page.Cursor : null;
        }
        while (cursor is not null);
        Assert.Equal(schedules * seconds, all);
    }

    [Fact]
    public async Task A_fire_left_pending_for_three_days_still_creates_exactly_one_run()
    {
        // The World accepts a client run id only within 24 h of its timestamp; a fire's run id is minted when its tick is
        // decided. Two fires are claimed, then every scheduler is down for three days: one claimer died before creating
        // its run, the other after creating it but before confirming.
        await World.Schedules.UpsertAsync(Cron("lost", "* * * * *") with { Overlap = ScheduleOverlap.AllowAll }, Cancellation);
        await World.Schedules.UpsertAsync(Cron("half", "* * * * *") with { Overlap = ScheduleOverlap.AllowAll }, Cancellation);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var claimed = (await World.Schedules.ClaimFiresAsync(new ScheduleClaimRequest { Owner = "dead", Lease = TimeSpan.FromSeconds(30) }, Cancellation)).Fires;
        var lost = claimed.Single(c => c.Fire.ScheduleId == "lost").Fire;
        var half = claimed.Single(c => c.Fire.ScheduleId == "half");
        await AppendAsync(half.Fire.RunId!, new RunCreated(Deployment, half.WorkflowName, half.Input) { Attributes = ScheduleAttributes.For(half.Fire), AllowReservedAttributes = true });

        // Near the end of the run id's window nobody may create it any more safely: the fire is held, not created.
        Clock.Advance(IdValidation.ClientRunIdMaxAge - TimeSpan.FromMinutes(5));
        await FireAllAsync();
        Assert.Equal(lost.Key, Assert.Single(await FiresAsync("lost", ScheduleFireStatus.Pending)).Key);

        Clock.Advance(TimeSpan.FromDays(3));
        await FireAllAsync();

        // The lost tick has one run, under a new run id (the old one can never be created now); the half-done tick keeps
        // the run its dead claimer created.
        var lostRuns = (await RunsOfAsync("lost")).Where(run => NominalOf(run) == lost.NominalAt).ToList();
        var renewed = Assert.Single(lostRuns);
        Assert.NotEqual(lost.RunId, renewed.RunId);
        Assert.Equal("scheduled", renewed.Attributes[ScheduleAttributes.Trigger]);
        Assert.Equal(half.Fire.RunId, Assert.Single((await RunsOfAsync("half")).Where(run => NominalOf(run) == half.Fire.NominalAt)).RunId);
        Assert.Empty(await FiresAsync("lost", ScheduleFireStatus.Pending));
        Assert.Empty(await FiresAsync("half", ScheduleFireStatus.Pending));
        Assert.Null((await World.Runs.GetManyAsync([lost.RunId!], ReadOptions.WithoutData, Cancellation))[0]);

        // A later pass finds nothing more to do for those ticks.
        Clock.Advance(TimeSpan.FromHours(1));
        await FireAllAsync();
        Assert.Single((await RunsOfAsync("lost")).Where(run => NominalOf(run) == lost.NominalAt));
    }

    [Fact]
    public async Task A_scheduler_that_dies_after_claiming_leaves_its_tick_to_another_exactly_once()
    {
        await World.Schedules.UpsertAsync(Cron("minutely", "* * * * *") with { Overlap = ScheduleOverlap.AllowAll }, Cancellation);
        Clock.Advance(TimeSpan.FromMinutes(1));

        // Dies right after the claim: no run yet.
        var lost = Assert.Single((await World.Schedules.ClaimFiresAsync(new ScheduleClaimRequest { Owner = "dead-1", Lease = TimeSpan.FromSeconds(30) }, Cancellation)).Fires);
        Assert.Equal(0, await FireAllAsync(Firer("survivor")));
        Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await FireAllAsync(Firer("survivor")));
        Assert.Equal(lost.Fire.RunId, Assert.Single(await RunsOfAsync("minutely")).RunId);

        // Dies after creating the run but before confirming the fire: the next claimer finds the run, creates none.
        Clock.Advance(TimeSpan.FromSeconds(30));
        var half = Assert.Single((await World.Schedules.ClaimFiresAsync(new ScheduleClaimRequest { Owner = "dead-2", Lease = TimeSpan.FromSeconds(30) }, Cancellation)).Fires);
        await AppendAsync(half.Fire.RunId, new RunCreated(Deployment, half.WorkflowName, half.Input) { Attributes = ScheduleAttributes.For(half.Fire), AllowReservedAttributes = true });
        Clock.Advance(TimeSpan.FromSeconds(31));
        var batch = await Firer("survivor").FireDueAsync(Cancellation);
        Assert.Equal((1, 0, 1), (batch.Claimed, batch.Created, batch.AlreadyCreated));
        Assert.Equal(2, (await RunsOfAsync("minutely")).Count);
        Assert.Empty(await FiresAsync("minutely", ScheduleFireStatus.Pending));
    }

    [Fact]
    public async Task Backfill_of_a_thousand_ticks_is_staggered_and_bounded()
    {
        await World.Schedules.UpsertAsync(Cron("minutely", "* * * * *") with { Enabled = false }, Cancellation);
        var from = StartTime.AddDays(-2);
        var result = await World.Schedules.BackfillAsync("minutely", new ScheduleBackfillRequest { From = from, To = from.AddMinutes(999), Stagger = TimeSpan.FromSeconds(1) }, Cancellation);
        Assert.Equal((1000, 1000), (result.Ticks, result.Added));
        Assert.Equal(StartTime.AddSeconds(999), result.LastFireAt);

        // Staggered: only what is due by now is fired, however many are waiting.
        Assert.Equal(1, await FireAllAsync());
        Clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(9, await FireAllAsync());
        Clock.Advance(TimeSpan.FromSeconds(990));
        Assert.Equal(990, await FireAllAsync());
        var runs = await RunsOfAsync("minutely");
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => from.AddMinutes(i)), runs.Select(NominalOf).OrderBy(t => t));
        Assert.All(runs, run => Assert.Equal("backfill", run.Attributes[ScheduleAttributes.Trigger]));

        // Idempotent per tick: backfilling the same range again adds nothing; bounded: too many ticks are refused.
        Assert.Equal(0, (await World.Schedules.BackfillAsync("minutely", new ScheduleBackfillRequest { From = from, To = from.AddMinutes(999) }, Cancellation)).Added);
        await Assert.ThrowsAsync<WorldValidationException>(() => World.Schedules.BackfillAsync("minutely", new ScheduleBackfillRequest { From = from.AddDays(-30), To = from }, Cancellation));
        await Assert.ThrowsAsync<WorldValidationException>(() => World.Schedules.BackfillAsync("minutely", new ScheduleBackfillRequest { From = from, To = Clock.GetUtcNow().AddMinutes(5) }, Cancellation));
    }

    [Fact]
    public async Task Pause_resume_and_trigger_now()
    {
        await World.Schedules.UpsertAsync(Cron("hourly", "0 * * * *") with { Overlap = ScheduleOverlap.AllowAll }, Cancellation);
        var paused = await World.Schedules.PauseAsync("hourly", "maintenance window", Cancellation);
        Assert.Equal((false, "maintenance window"), (paused.State.Enabled, paused.State.PauseNote));

        Clock.Advance(TimeSpan.FromHours(5));
        Assert.Equal(0, await FireAllAsync());

        var manual = await World.Schedules.TriggerNowAsync("hourly", Cancellation);
        Assert.Equal((ScheduleTriggerKind.Manual, ScheduleFireStatus.Pending), (manual.Kind, manual.Status));
        Assert.Equal(1, await FireAllAsync());
        var run = Assert.Single(await RunsOfAsync("hourly"));
        Assert.Equal((manual.RunId, "manual"), (run.RunId, run.Attributes[ScheduleAttributes.Trigger]));
        Assert.Equal(Bytes("[42]"), (await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation)).Input!.Value.ToArray());

        // Resume does not catch up what passed while paused: the next tick is the first after now.
        var resumed = await World.Schedules.ResumeAsync("hourly", Cancellation);
        Assert.True(resumed.State.Enabled);
        Assert.Null(resumed.State.PauseNote);
        Assert.Equal(new DateTimeOffset(2026, 1, 15, 15, 0, 0, TimeSpan.Zero), resumed.State.NextNominalAt);
        Assert.True(await StepToNextTickAsync("hourly"));
        Assert.Equal(2, (await RunsOfAsync("hourly")).Count);
    }

    [Fact]
    public async Task List_pages_by_id_and_delete_removes_the_schedule()
    {
        for (var i = 0; i < 5; i++)
        {
            await World.Schedules.UpsertAsync(Cron($"s-{i}", "0 * * * *") with { WorkflowName = i % 2 == 0 ? "workflow//even" : "workflow//odd" }, Cancellation);
        }

        var first = await World.Schedules.ListAsync(new ScheduleQuery { Page = new PageRequest { Limit = 3 } }, Cancellation);
        Assert.Equal(["s-0", "s-1", "s-2"], first.Data.Select(s => s.ScheduleId));
        Assert.True(first.HasMore);
        var second = await World.Schedules.ListAsync(new ScheduleQuery { Page = new PageRequest { Limit = 3, Cursor = first.Cursor } }, Cancellation);
        Assert.Equal(["s-3", "s-4"], second.Data.Select(s => s.ScheduleId));
        Assert.False(second.HasMore);
        Assert.Equal(["s-1", "s-3"], (await World.Schedules.ListAsync(new ScheduleQuery { WorkflowName = "workflow//odd" }, Cancellation)).Data.Select(s => s.ScheduleId));

        Assert.True(await World.Schedules.DeleteAsync("s-1", Cancellation));
        Assert.False(await World.Schedules.DeleteAsync("s-1", Cancellation));
        await Assert.ThrowsAsync<ScheduleNotFoundException>(() => World.Schedules.GetAsync("s-1", Cancellation));
        await Assert.ThrowsAsync<ScheduleNotFoundException>(() => World.Schedules.TriggerNowAsync("s-1", Cancellation));
    }

    [Fact]
    public async Task Jitter_delays_each_tick_deterministically_within_the_bound()
    {
        var jitter = TimeSpan.FromSeconds(20);
        await World.Schedules.UpsertAsync(Cron("jittered", "* * * * *") with { Jitter = jitter, Overlap = ScheduleOverlap.AllowAll }, Cancellation);
        for (var i = 0; i < 10; i++)
        {
            var state = (await World.Schedules.GetAsync("jittered", Cancellation)).State;
            Assert.InRange(state.NextFireAt!.Value - state.NextNominalAt!.Value, TimeSpan.Zero, jitter);
            Clock.SetUtcNow(state.NextFireAt.Value.AddMilliseconds(-1));
            Assert.Equal(0, await FireAllAsync());
            Clock.SetUtcNow(state.NextFireAt.Value);
            Assert.Equal(1, await FireAllAsync());
        }
    }
}
