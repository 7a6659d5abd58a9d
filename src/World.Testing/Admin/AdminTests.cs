using World.Runtime;

namespace World.Testing.Admin;

/// <summary>
/// The admin API (<see cref="WorldAdmin"/>) and the run filters it lists with (<see cref="RunQuery"/>: attributes,
/// parent, schedule, creation time), composed from the World's public contract so they behave the same on every backend.
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class AdminTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    private const string InvocationQueue = "admin-kit-invocations";

    private WorldAdmin Admin => new(World, new WorldAdminOptions { QueueName = InvocationQueue });

    [Fact]
    public async Task Runs_filter_by_attribute_parent_schedule_and_creation_time()
    {
        var t0 = Clock.GetUtcNow();
        var parent = await CreateRunWithAsync(new() { ["tenant"] = "acme" });
        Clock.Advance(TimeSpan.FromSeconds(1));
        var child = await CreateRunWithAsync(new() { ["tenant"] = "beta", [RunLineage.ParentRunId] = parent.RunId });
        Clock.Advance(TimeSpan.FromSeconds(1));
        var scheduled = await CreateRunWithAsync(new() { [ScheduleAttributes.ScheduleId] = "nightly", [ScheduleAttributes.Trigger] = "manual" });
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await CreateRunWithAsync(new() { ["tenant"] = "acme", [RunLineage.ParentRunId] = parent.RunId });
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var plain = await CreateRunAsync();

        Assert.Equal([second.RunId, parent.RunId], await IdsAsync(new RunQuery { Attributes = new Dictionary<string, string> { ["tenant"] = "acme" } }));
        Assert.Equal([second.RunId, child.RunId], await IdsAsync(new RunQuery { ParentRunId = parent.RunId }));
        Assert.Equal([second.RunId], await IdsAsync(new RunQuery { ParentRunId = parent.RunId, Attributes = new Dictionary<string, string> { ["tenant"] = "acme" } }));
        Assert.Equal([scheduled.RunId], await IdsAsync(new RunQuery { ScheduleId = "nightly" }));
        Assert.Equal([scheduled.RunId], await IdsAsync(new RunQuery { Attributes = new Dictionary<string, string> { [ScheduleAttributes.Trigger] = "manual" } }));
        Assert.Empty(await IdsAsync(new RunQuery { ScheduleId = "weekly" }));
        Assert.Empty(await IdsAsync(new RunQuery { Attributes = new Dictionary<string, string> { ["tenant"] = "ACME" } }));

        // Created-after is inclusive, created-before exclusive.
        Assert.Equal([child.RunId], await IdsAsync(new RunQuery { CreatedAfter = t0 + TimeSpan.FromSeconds(1), CreatedBefore = t0 + TimeSpan.FromSeconds(2) }));
        Assert.Equal([plain.RunId, second.RunId, scheduled.RunId], await IdsAsync(new RunQuery { CreatedAfter = t0 + TimeSpan.FromSeconds(2) }));
        Assert.Equal([parent.RunId], await IdsAsync(new RunQuery { CreatedBefore = t0 + TimeSpan.FromSeconds(1) }));
        Assert.Empty(await IdsAsync(new RunQuery { CreatedAfter = t0 + TimeSpan.FromSeconds(2), CreatedBefore = t0 + TimeSpan.FromSeconds(2) }));
        Assert.Equal([second.RunId], await IdsAsync(new RunQuery { ParentRunId = parent.RunId, CreatedAfter = t0 + TimeSpan.FromSeconds(3), Statuses = [RunStatus.Pending], WorkflowName = "workflow//sample" }));
        Assert.Empty(await IdsAsync(new RunQuery { ParentRunId = parent.RunId, Statuses = [RunStatus.Running] }));

        // Filtered listings page with the same cursors, in both directions.
        var ascending = new List<string>();
        string? cursor = null;
        do
        {
            var page = await World.Runs.ListAsync(new RunQuery { ParentRunId = parent.RunId, ResolveData = ResolveData.None, Page = new PageRequest { Limit = 1, Cursor = cursor, SortOrder = SortOrder.Ascending } }, Cancellation);
            Assert.Single(page.Data);
            ascending.AddRange(page.Data.Select(run => run.RunId));
            cursor = page.HasMore ? page.Cursor : null;
        }
        while (cursor is not null);

        Assert.Equal([child.RunId, second.RunId], ascending);
    }

    [Fact]
    public async Task Run_filters_are_validated_and_name_the_field()
    {
        await CreateRunAsync();
        await AssertInvalidAsync(new RunQuery { Attributes = new Dictionary<string, string> { [""] = "x" } }, "attributes");
        await AssertInvalidAsync(new RunQuery { Attributes = new Dictionary<string, string> { ["k"] = "a\0b" } }, "attributes");
        await AssertInvalidAsync(new RunQuery { Attributes = Enumerable.Range(0, RunQuery.MaxAttributeFilters + 1).ToDictionary(i => $"k{i}", i => "v") }, "attributes");
        await AssertInvalidAsync(new RunQuery { ParentRunId = "not a safe id" }, "parentRunId");
        await AssertInvalidAsync(new RunQuery { ParentRunId = "wrun_A", Attributes = new Dictionary<string, string> { [RunLineage.ParentRunId] = "wrun_B" } }, "parentRunId");
        await AssertInvalidAsync(new RunQuery { ScheduleId = "a\0b" }, "scheduleId");

        // The same condition twice is not a contradiction; a reversed time range matches nothing.
        Assert.Empty(await IdsAsync(new RunQuery { ParentRunId = "wrun_A", Attributes = new Dictionary<string, string> { [RunLineage.ParentRunId] = "wrun_A" } }));
        Assert.Empty(await IdsAsync(new RunQuery { CreatedAfter = Clock.GetUtcNow(), CreatedBefore = Clock.GetUtcNow() - TimeSpan.FromHours(1) }));
    }

    [Fact]
    public async Task Run_detail_holds_steps_hooks_waits_children_and_dispatch_status()
    {
        var run = await CreateStartedRunAsync();
        await CreateStepAsync(run.RunId, "step_1");
        await CreateStepAsync(run.RunId, "step_2");
        await CreateHookAsync(run.RunId, token: "admin-kit-token");
        await AppendAsync(run.RunId, new WaitCreated(Clock.GetUtcNow() + TimeSpan.FromMinutes(5)), "wait_1");
        await AppendAsync(run.RunId, new WaitCreated(Clock.GetUtcNow() + TimeSpan.FromMinutes(1)), "wait_2");
        await AppendAsync(run.RunId, new WaitCompleted(), "wait_2");
        var child = await CreateRunWithAsync(new() { [RunLineage.ParentRunId] = run.RunId });

        var detail = await Admin.GetRunAsync(run.RunId, Cancellation);

        Assert.Equal(run.RunId, detail.Run.RunId);
        Assert.Null(detail.Run.Input);
        Assert.Equal(["step_1", "step_2"], detail.Steps.Select(step => step.StepId));
        Assert.Single(detail.Hooks);
        Assert.Equal([("wait_1", WaitStatus.Waiting), ("wait_2", WaitStatus.Completed)], detail.Waits.Select(wait => (wait.CorrelationId, wait.Status)));
        Assert.Equal(Wait.ComposeId(run.RunId, "wait_1"), detail.Waits[0].WaitId);
        Assert.Equal([child.RunId], detail.Children.Select(c => c.RunId));
        Assert.False(detail.MoreSteps || detail.MoreHooks || detail.MoreChildren);
        Assert.Equal((await ReadLogAsync(run.RunId)).Count, detail.EventCount);
        Assert.Equal(DispatchReason.NotFound, Assert.IsType<DispatchStatus>(detail.Dispatch).Reason);

        await World.Queue.EnqueueAsync(InvocationQueue, Bytes(run.RunId), new EnqueueOptions { IdempotencyKey = run.RunId }, Cancellation);
        Assert.NotEqual(DispatchReason.NotFound, (await Admin.GetRunAsync(run.RunId, Cancellation)).Dispatch!.Reason);

        await AppendAsync(run.RunId, new RunCompleted(Bytes("done")));
        Assert.Null((await Admin.GetRunAsync(run.RunId, Cancellation)).Dispatch);
        await Assert.ThrowsAsync<RunNotFoundException>(() => Admin.GetRunAsync(NewId("wrun"), Cancellation));
    }

    [Fact]
    public async Task Run_events_are_paged_without_payloads_and_a_missing_run_is_not_found()
    {
        var run = await CreateStartedRunAsync();
        await CreateStepAsync(run.RunId, "step_1", Bytes("secret input"));

        var first = await Admin.ListRunEventsAsync(run.RunId, new PageRequest { Limit = 2 }, Cancellation);
        var rest = await Admin.ListRunEventsAsync(run.RunId, new PageRequest { Cursor = first.Cursor }, Cancellation);

        Assert.True(first.HasMore);
        Assert.Equal([EventType.RunCreated, EventType.RunStarted, EventType.StepCreated], first.Data.Concat(rest.Data).Select(e => e.EventType));
        Assert.Null(Assert.IsType<StepCreated>(rest.Data[0].Data).Input);
        await Assert.ThrowsAsync<RunNotFoundException>(() => Admin.ListRunEventsAsync(NewId("wrun"), cancellationToken: Cancellation));
    }

    [Fact]
    public async Task Tree_and_cancel_with_descendants_walk_the_lineage()
    {
        var root = await CreateStartedRunAsync();
        var first = await CreateRunWithAsync(new() { [RunLineage.ParentRunId] = root.RunId });
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var second = await CreateRunWithAsync(new() { [RunLineage.ParentRunId] = root.RunId });
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var ended = await CreateRunWithAsync(new() { [RunLineage.ParentRunId] = root.RunId });
        await AppendAsync(ended.RunId, new RunCancelled());
        var grandchild = await CreateRunWithAsync(new() { [RunLineage.ParentRunId] = first.RunId });
        var stranger = await CreateRunAsync();

        var tree = await Admin.GetRunTreeAsync(root.RunId, Cancellation);
        Assert.Equal([first.RunId, second.RunId, ended.RunId], tree.Children.Select(node => node.Run.RunId));
        Assert.Equal([grandchild.RunId], tree.Children[0].Children.Select(node => node.Run.RunId));
        Assert.Empty(tree.Children[1].Children);
        Assert.False(tree.Truncated);

        // Cancelling one child alone wakes its parent, which may be waiting for it.
        var alone = await Admin.CancelRunAsync(second.RunId, includeDescendants: false, "operator", Cancellation);
        Assert.Equal([second.RunId], alone.Cancelled);
        Assert.NotEqual(DispatchReason.NotFound, (await World.Queue.GetDispatchStatusAsync(DispatchQuery.ForKey(InvocationQueue, root.RunId), Cancellation)).Reason);

        var all = await Admin.CancelRunAsync(root.RunId, includeDescendants: true, cancellationToken: Cancellation);
        Assert.Equal([root.RunId, first.RunId, grandchild.RunId], all.Cancelled);
        Assert.Equal([second.RunId, ended.RunId], all.AlreadyEnded);
        Assert.False(all.Truncated);
        foreach (var id in new[] { root.RunId, first.RunId, grandchild.RunId })
        {
            Assert.Equal(RunStatus.Cancelled, (await World.Runs.GetAsync(id, ReadOptions.WithoutData, Cancellation)).Status);
        }

        Assert.Equal(RunStatus.Pending, (await World.Runs.GetAsync(stranger.RunId, ReadOptions.WithoutData, Cancellation)).Status);
        var again = await Admin.CancelRunAsync(root.RunId, includeDescendants: true, cancellationToken: Cancellation);
        Assert.Empty(again.Cancelled);
        Assert.Equal(5, again.AlreadyEnded.Count);
        await Assert.ThrowsAsync<RunNotFoundException>(() => Admin.CancelRunAsync(NewId("wrun"), includeDescendants: true, cancellationToken: Cancellation));
    }

    [Fact]
    public async Task Dead_letter_replay_and_purge_are_bounded_and_report_what_they_did()
    {
        var a1 = await DeadLetterAsync("q-a");
        var a2 = await DeadLetterAsync("q-a");
        var a3 = await DeadLetterAsync("q-a");
        var b1 = await DeadLetterAsync("q-b");

        await Assert.ThrowsAsync<WorldValidationException>(() => Admin.ReplayDeadLettersAsync(new DeadLetterSelection { QueueName = "q-a", Limit = 0 }, Cancellation));
        await Assert.ThrowsAsync<WorldValidationException>(() => Admin.PurgeDeadLettersAsync(new DeadLetterSelection { Limit = PageRequest.MaxLimit + 1 }, Cancellation));
        await Assert.ThrowsAsync<WorldValidationException>(() => Admin.PurgeDeadLettersAsync(new DeadLetterSelection { MessageIds = [a1, a2], Limit = 1 }, Cancellation));

        var replayed = await Admin.ReplayDeadLettersAsync(new DeadLetterSelection { QueueName = "q-a", Limit = 2 }, Cancellation);
        Assert.Equal([a1, a2], replayed.Done);
        Assert.Empty(replayed.Failed);
        Assert.True(replayed.HasMore);
        Assert.Equal([a3, b1], (await Admin.ListDeadLettersAsync(cancellationToken: Cancellation)).Data.Select(letter => letter.MessageId));
        var stats = Assert.Single(await Admin.GetQueuesAsync(Cancellation), queue => queue.QueueName == "q-a");
        Assert.Equal((2L, 1L), (stats.Ready, stats.DeadLettered));

        // Named ids: one of another queue and one that does not exist are reported, not touched.
        var missing = NewId("msg");
        var purged = await Admin.PurgeDeadLettersAsync(new DeadLetterSelection { QueueName = "q-a", MessageIds = [a3, b1, missing], Limit = 3 }, Cancellation);
        Assert.Equal([a3], purged.Done);
        Assert.Equal(WorldErrorCodes.DeadLetterNotFound, purged.Failed[b1]);
        Assert.Equal(WorldErrorCodes.DeadLetterNotFound, purged.Failed[missing]);
        Assert.False(purged.HasMore);
        Assert.Equal([b1], (await Admin.ListDeadLettersAsync(cancellationToken: Cancellation)).Data.Select(letter => letter.MessageId));
        Assert.Equal(b1, (await Admin.GetDeadLetterAsync(b1, Cancellation)).MessageId);

        var rest = await Admin.PurgeDeadLettersAsync(new DeadLetterSelection { Limit = 10 }, Cancellation);
        Assert.Equal([b1], rest.Done);
        Assert.Empty((await Admin.ListDeadLettersAsync(cancellationToken: Cancellation)).Data);
    }

    [Fact]
    public async Task Schedules_are_listed_shown_paused_resumed_triggered_and_previewed()
    {
        await World.Schedules.UpsertAsync(new ScheduleDefinition { ScheduleId = "nightly", WorkflowName = "workflow//scheduled", Input = Bytes("[1]"), Cron = "0 3 * * *", TimeZone = "UTC", Enabled = true }, Cancellation);

        Assert.Equal(["nightly"], (await Admin.ListSchedulesAsync(cancellationToken: Cancellation)).Data.Select(schedule => schedule.ScheduleId));
        var detail = await Admin.GetScheduleAsync("nightly", Cancellation);
        Assert.Equal(ScheduleDetail.Count, detail.NextTicks.Count);
        Assert.All(detail.NextTicks, tick => Assert.Equal(new TimeSpan(3, 0, 0), tick.UtcDateTime.TimeOfDay));
        Assert.Empty(detail.RecentFires);

        var paused = await Admin.SetScheduleEnabledAsync("nightly", enabled: false, "maintenance", Cancellation);
        Assert.False(paused.State.Enabled);
        Assert.Equal("maintenance", paused.State.PauseNote);
        Assert.True((await Admin.SetScheduleEnabledAsync("nightly", enabled: true, cancellationToken: Cancellation)).State.Enabled);

        var fire = await Admin.TriggerScheduleAsync("nightly", Cancellation);
        Assert.Equal(ScheduleTriggerKind.Manual, fire.Kind);
        Assert.Equal([fire.Key], (await Admin.GetScheduleAsync("nightly", Cancellation)).RecentFires.Select(f => f.Key));
        Assert.Equal(detail.NextTicks.Take(3), await Admin.PreviewScheduleAsync("nightly", 3, Cancellation));
        await Assert.ThrowsAsync<ScheduleNotFoundException>(() => Admin.GetScheduleAsync("missing", Cancellation));
    }

    [Fact]
    public async Task Health_and_schema_report_a_current_answering_world()
    {
        await World.Queue.EnqueueAsync("q-health", Bytes("x"), cancellationToken: Cancellation);

        var schema = await Admin.GetSchemaStatusAsync(Cancellation);
        Assert.True(schema.IsCurrent);
        Assert.Empty(schema.PendingMigrations);
        var migrated = await Admin.MigrateAsync(Cancellation);
        Assert.Equal((schema.Managed, schema.CurrentVersion, schema.LatestVersion), (migrated.Managed, migrated.CurrentVersion, migrated.LatestVersion));
        var health = await Admin.CheckHealthAsync(Cancellation);
        Assert.True(health.Healthy, string.Join("; ", health.Problems));
        Assert.Equal(schema.CurrentVersion, health.Schema!.CurrentVersion);
        Assert.Equal(1, Assert.Single(health.Queues, queue => queue.QueueName == "q-health").Ready);
    }

    private async Task<WorkflowRun> CreateRunWithAsync(Dictionary<string, string> attributes) =>
        (await AppendAsync(null, new RunCreated("dpl_kit", "workflow//sample", Bytes("{}")) { Attributes = attributes, AllowReservedAttributes = true })).Run!;

    private async Task<IReadOnlyList<string>> IdsAsync(RunQuery query) =>
        [.. (await Admin.ListRunsAsync(query with { ResolveData = ResolveData.None, Page = new PageRequest { Limit = 100 } }, Cancellation)).Data.Select(run => run.RunId)];

    private async Task AssertInvalidAsync(RunQuery query, string field)
    {
        var error = await Assert.ThrowsAsync<WorldValidationException>(() => World.Runs.ListAsync(query, Cancellation));
        Assert.Equal(field, error.Field);
    }

    private async Task<string> DeadLetterAsync(string queue)
    {
        var id = (await World.Queue.EnqueueAsync(queue, Bytes("payload"), new EnqueueOptions { MaxAttempts = 1 }, Cancellation)).MessageId;
        var message = Assert.Single(await World.Queue.ClaimAsync(new ClaimRequest([queue], 1, TimeSpan.FromSeconds(30), "kit"), Cancellation));
        Assert.Equal(FailureOutcome.DeadLettered, await World.Queue.FailAsync(message.Lease, new QueueFailure(new StructuredError("boom", Code: "E_TEST"), TimeSpan.Zero), Cancellation));
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        return id;
    }
}
