using World.Backends;

namespace World.Testing.Storage;

/// <summary>
/// Runs: creation, start, terminal transitions, cancellation, attributes (docs/guarantees.md#4-transition-rules, items
/// 3 and 7).
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class RunLifecycleTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    [Fact]
    public async Task Run_created_without_an_id_mints_a_pending_run()
    {
        var input = Bytes("""{"a":1}""");
        var result = await AppendAsync(null, new RunCreated("dpl_1", "workflow//a", input) { ExecutionContext = new Dictionary<string, string> { ["trace"] = "00-abc" } });

        var run = result.Run!;
        Assert.Matches("^wrun_[0-9A-HJKMNP-TV-Z]{26}$", run.RunId);
        Assert.Equal(RunStatus.Pending, run.Status);
        Assert.Equal("dpl_1", run.DeploymentId);
        Assert.Equal("workflow//a", run.WorkflowName);
        Assert.Equal(SpecVersions.Current, run.SpecVersion);
        Assert.Equal(Clock.GetUtcNow(), run.CreatedAt);
        Assert.Equal(run.CreatedAt, run.UpdatedAt);
        Assert.Null(run.StartedAt);
        Assert.Null(run.CompletedAt);
        Assert.Equal("00-abc", run.ExecutionContext!["trace"]);
        AssertPayload(input, run.Input);
        Assert.Equal(EventType.RunCreated, result.Event!.EventType);
        Assert.Equal(run.RunId, result.Event.RunId);
        Assert.Null(result.Event.CorrelationId);
        Assert.True(result.MaxEvents > 0);
    }

    [Fact]
    public async Task Runs_get_returns_what_run_created_returned()
    {
        var created = await CreateRunAsync(input: Bytes("in"));
        var read = await World.Runs.GetAsync(created.RunId, cancellationToken: Cancellation);
        Assert.Equal(created.RunId, read.RunId);
        Assert.Equal(created.Status, read.Status);
        Assert.Equal(created.CreatedAt, read.CreatedAt);
        Assert.Equal(created.UpdatedAt, read.UpdatedAt);
        Assert.Equal(created.WorkflowName, read.WorkflowName);
        Assert.Equal(created.DeploymentId, read.DeploymentId);
        AssertPayload(Bytes("in"), read.Input);
    }

    [Fact]
    public async Task A_client_supplied_run_id_is_kept()
    {
        var runId = WorldIds.NewRunId(Clock.GetUtcNow().AddHours(-23));
        var run = await CreateRunAsync(runId: runId);
        Assert.Equal(runId, run.RunId);
        Assert.Equal(runId, (await World.Runs.GetAsync(runId, cancellationToken: Cancellation)).RunId);
    }

    [Theory]
    [InlineData(-25 * 60)]
    [InlineData(6)]
    public async Task Client_run_ids_outside_the_time_window_are_rejected(int minutes)
    {
        var runId = WorldIds.NewRunId(Clock.GetUtcNow().AddMinutes(minutes));
        var error = await Assert.ThrowsAsync<WorldValidationException>(() => CreateRunAsync(runId: runId));
        Assert.Equal(400, error.Status);
        await Assert.ThrowsAsync<RunNotFoundException>(() => World.Runs.GetAsync(runId, cancellationToken: Cancellation));
    }

    [Fact]
    public async Task A_second_run_created_conflicts_and_leaves_one_run_created()
    {
        var run = await CreateRunAsync();
        var error = await Assert.ThrowsAsync<EntityConflictException>(() => CreateRunAsync(runId: run.RunId));
        Assert.Equal(409, error.Status);
        Assert.Equal([EventType.RunCreated], await ReadLogTypesAsync(run.RunId));
    }

    [Fact]
    public async Task A_batch_creates_every_run_as_single_creations_would()
    {
        var chosen = WorldIds.NewRunId(Clock.GetUtcNow());
        var results = await World.Events.CreateRunsAsync(
            [
                new RunCreationRequest(new RunCreated("dpl_1", "workflow//a", Bytes("one"))),
                new RunCreationRequest(new RunCreated("dpl_1", "workflow//b", Bytes("two")) { Attributes = new Dictionary<string, string> { ["tenant"] = "t1" } }) { RunId = chosen },
            ],
            cancellationToken: Cancellation);

        Assert.Equal(2, results.Count);
        Assert.All(results, result => Assert.True(result.Created));
        Assert.Equal(chosen, results[1].RunId);
        Assert.NotEqual(results[0].RunId, results[1].RunId);
        for (var i = 0; i < results.Count; i++)
        {
            var result = results[i].Result!;
            Assert.Equal(results[i].RunId, result.Run!.RunId);
            Assert.Equal(EventType.RunCreated, result.Event!.EventType);
            var stored = await World.Runs.GetAsync(results[i].RunId, cancellationToken: Cancellation);
            Assert.Equal(RunStatus.Pending, stored.Status);
            AssertPayload(Bytes(i == 0 ? "one" : "two"), stored.Input);
            Assert.Equal([EventType.RunCreated], await ReadLogTypesAsync(stored.RunId));
        }

        Assert.Equal("t1", (await World.Runs.GetAsync(chosen, cancellationToken: Cancellation)).Attributes["tenant"]);
        Assert.Empty(await World.Events.CreateRunsAsync([], cancellationToken: Cancellation));
    }

    [Fact]
    public async Task A_batch_reports_taken_run_ids_and_creates_the_rest()
    {
        var existing = await CreateRunAsync(input: Bytes("first"));
        var repeated = WorldIds.NewRunId(Clock.GetUtcNow());
        var results = await World.Events.CreateRunsAsync(
            [
                new RunCreationRequest(new RunCreated("dpl_1", "workflow//a", Bytes("x"))) { RunId = existing.RunId },
                new RunCreationRequest(new RunCreated("dpl_1", "workflow//a", Bytes("y"))) { RunId = repeated },
                new RunCreationRequest(new RunCreated("dpl_1", "workflow//a", Bytes("z"))) { RunId = repeated },
            ],
            new CreateEventOptions { ResolveData = ResolveData.None },
            Cancellation);

        Assert.Equal([false, true, false], results.Select(r => r.Created));
        Assert.IsType<EntityConflictException>(results[0].Error);
        Assert.IsType<EntityConflictException>(results[2].Error);
        Assert.Null(results[1].Result!.Run!.Input);
        AssertPayload(Bytes("first"), (await World.Runs.GetAsync(existing.RunId, cancellationToken: Cancellation)).Input);
        AssertPayload(Bytes("y"), (await World.Runs.GetAsync(repeated, cancellationToken: Cancellation)).Input);
        Assert.Equal([EventType.RunCreated], await ReadLogTypesAsync(repeated));
    }

    [Fact]
    public async Task An_invalid_entry_rejects_the_whole_batch()
    {
        var free = WorldIds.NewRunId(Clock.GetUtcNow());
        var invalid = await Assert.ThrowsAnyAsync<WorldValidationException>(() => World.Events.CreateRunsAsync(
            [
                new RunCreationRequest(new RunCreated("dpl_1", "workflow//a", Bytes("x"))) { RunId = free },
                new RunCreationRequest(new RunCreated("dpl_1", "", Bytes("y"))),
            ],
            cancellationToken: Cancellation));
        Assert.Equal("runs[1].workflowName", invalid.Field);
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => World.Events.CreateRunsAsync(
            Enumerable.Range(0, global::World.Backends.EventRules.MaxRunBatch + 1).Select(_ => new RunCreationRequest(new RunCreated("dpl_1", "workflow//a", Bytes("x")))).ToArray(),
            cancellationToken: Cancellation));
        await Assert.ThrowsAsync<RunNotFoundException>(() => World.Runs.GetAsync(free, cancellationToken: Cancellation));
    }

    [Fact]
    public async Task Concurrent_batches_naming_the_same_run_ids_create_each_run_once()
    {
        var runIds = Enumerable.Range(0, 100).Select(_ => WorldIds.NewRunId(Clock.GetUtcNow())).ToArray();
        var outcomes = await RaceAsync(8, worker => World.Events.CreateRunsAsync(
            (worker % 2 == 0 ? runIds : runIds.Reverse())
                .Select(runId => new RunCreationRequest(new RunCreated("dpl_1", "workflow//a", Bytes($"{worker}"))) { RunId = runId })
                .ToArray(),
            cancellationToken: Cancellation));

        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error?.ToString()));
        var created = outcomes.SelectMany(o => o.Value!).Where(r => r.Created).Select(r => r.RunId).ToArray();
        Assert.Equal(runIds.Order(StringComparer.Ordinal), created.Order(StringComparer.Ordinal));
        foreach (var runId in runIds)
        {
            Assert.Equal([EventType.RunCreated], await ReadLogTypesAsync(runId));
        }
    }

    [Fact]
    public async Task Run_started_moves_pending_to_running_and_preloads_the_log()
    {
        var run = await CreateRunAsync();
        Clock.Advance(TimeSpan.FromSeconds(3));
        var result = await AppendAsync(run.RunId, new RunStarted());

        Assert.Equal(RunStatus.Running, result.Run!.Status);
        Assert.Equal(Clock.GetUtcNow(), result.Run.StartedAt);
        Assert.Equal(Clock.GetUtcNow(), result.Run.UpdatedAt);
        Assert.Equal(run.CreatedAt, result.Run.CreatedAt);
        Assert.Equal(EventType.RunStarted, result.Event!.EventType);
        Assert.Equal([EventType.RunCreated, EventType.RunStarted], result.Events!.Select(e => e.EventType));
        Assert.False(result.HasMore);
        Assert.NotNull(result.Cursor);
    }

    [Fact]
    public async Task Run_started_can_skip_the_preload()
    {
        var run = await CreateRunAsync();
        var result = await AppendAsync(run.RunId, new RunStarted(), options: new CreateEventOptions { SkipPreload = true });
        Assert.Null(result.Events);
        Assert.Equal(RunStatus.Running, result.Run!.Status);
    }

    [Fact]
    public async Task A_second_run_started_appends_nothing_and_keeps_startedAt()
    {
        var run = await CreateStartedRunAsync();
        Clock.Advance(TimeSpan.FromMinutes(1));
        var again = await AppendAsync(run.RunId, new RunStarted());

        Assert.Null(again.Event);
        Assert.Equal(RunStatus.Running, again.Run!.Status);
        Assert.Equal(run.StartedAt, again.Run.StartedAt);
        Assert.Equal([EventType.RunCreated, EventType.RunStarted], await ReadLogTypesAsync(run.RunId));
        Assert.Equal([EventType.RunCreated, EventType.RunStarted], again.Events!.Select(e => e.EventType));
    }

    [Fact]
    public async Task Resilient_run_started_creates_a_missing_run_with_run_created_first()
    {
        var runId = WorldIds.NewRunId(Clock.GetUtcNow());
        var input = Bytes("resilient");
        var result = await AppendAsync(runId, new RunStarted { DeploymentId = "dpl", WorkflowName = "workflow//r", Input = input });

        Assert.Equal(RunStatus.Running, result.Run!.Status);
        var log = await ReadLogAsync(runId);
        Assert.Equal([EventType.RunCreated, EventType.RunStarted], log.Select(e => e.EventType));
        AssertPayload(input, ((RunCreated)log[0].Data).Input);
        Assert.Equal(new RunStarted(), log[1].Data);
        var run = await World.Runs.GetAsync(runId, cancellationToken: Cancellation);
        Assert.Equal("workflow//r", run.WorkflowName);
        AssertPayload(input, run.Input);
    }

    [Fact]
    public async Task Resilient_run_started_on_an_existing_pending_run_just_starts_it()
    {
        var run = await CreateRunAsync(input: Bytes("original"));
        await AppendAsync(run.RunId, new RunStarted { DeploymentId = "dpl", WorkflowName = "other", Input = Bytes("other") });
        var read = await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation);
        Assert.Equal("workflow//sample", read.WorkflowName);
        AssertPayload(Bytes("original"), read.Input);
        Assert.Equal([EventType.RunCreated, EventType.RunStarted], await ReadLogTypesAsync(run.RunId));
    }

    public static TheoryData<string> RunEventsNeedingARun() => ["run_started", "run_completed", "run_failed", "run_cancelled"];

    [Theory]
    [MemberData(nameof(RunEventsNeedingARun))]
    public async Task Run_events_on_a_missing_run_are_run_not_found(string type)
    {
        EventData data = type switch
        {
            "run_started" => new RunStarted(),
            "run_completed" => new RunCompleted(Bytes("x")),
            "run_failed" => new RunFailed(new StructuredError("x")),
            _ => new RunCancelled(),
        };
        var runId = WorldIds.NewRunId(Clock.GetUtcNow());
        var error = await Assert.ThrowsAsync<RunNotFoundException>(() => AppendAsync(runId, data));
        Assert.Equal(404, error.Status);
        Assert.Equal(WorldErrorCodes.RunNotFound, error.Code);
        Assert.Empty(await ReadLogAsync(runId));
    }

    [Fact]
    public async Task Run_completed_sets_status_output_and_completedAt()
    {
        var run = await CreateStartedRunAsync();
        Clock.Advance(TimeSpan.FromSeconds(5));
        var output = Bytes("done");
        var result = await AppendAsync(run.RunId, new RunCompleted(output));

        Assert.Equal(RunStatus.Completed, result.Run!.Status);
        Assert.Equal(Clock.GetUtcNow(), result.Run.CompletedAt);
        AssertPayload(output, result.Run.Output);
        Assert.Null(result.Run.Error);
        var read = await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation);
        Assert.Equal(RunStatus.Completed, read.Status);
        AssertPayload(output, read.Output);
        Assert.Equal(run.StartedAt, read.StartedAt);
    }

    [Fact]
    public async Task Run_failed_records_a_structured_error_with_its_code()
    {
        var run = await CreateStartedRunAsync();
        var result = await AppendAsync(run.RunId, new RunFailed(new StructuredError("it broke", "at Step()"), "USER_ERROR"));

        Assert.Equal(RunStatus.Failed, result.Run!.Status);
        Assert.Equal(new StructuredError("it broke", "at Step()", "USER_ERROR"), result.Run.Error);
        Assert.NotNull(result.Run.CompletedAt);
        Assert.Null(result.Run.Output);
        Assert.Equal(result.Run.Error, (await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation)).Error);
    }

    [Fact]
    public async Task A_pending_run_may_fail()
    {
        var run = await CreateRunAsync();
        var result = await AppendAsync(run.RunId, new RunFailed(new StructuredError("delivery exhausted"), "MAX_DELIVERIES_EXCEEDED"));
        Assert.Equal(RunStatus.Failed, result.Run!.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_cancelled_cancels_a_pending_or_running_run(bool started)
    {
        var run = started ? await CreateStartedRunAsync() : await CreateRunAsync();
        var result = await AppendAsync(run.RunId, new RunCancelled("no longer needed"));
        Assert.Equal(RunStatus.Cancelled, result.Run!.Status);
        Assert.NotNull(result.Run.CompletedAt);
        Assert.Equal(new RunCancelled("no longer needed"), result.Event!.Data);
    }

    [Fact]
    public async Task Cancelling_twice_succeeds_and_appends_both_events()
    {
        var run = await CreateStartedRunAsync();
        var first = await AppendAsync(run.RunId, new RunCancelled());
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await AppendAsync(run.RunId, new RunCancelled());

        Assert.Equal(RunStatus.Cancelled, second.Run!.Status);
        Assert.Equal(first.Run!.CompletedAt, second.Run.CompletedAt);
        Assert.NotNull(second.Event);
        Assert.Equal([EventType.RunCreated, EventType.RunStarted, EventType.RunCancelled, EventType.RunCancelled], await ReadLogTypesAsync(run.RunId));
    }

    [Theory]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Failed)]
    public async Task Cancelling_a_completed_or_failed_run_conflicts(RunStatus status)
    {
        var run = await EndedRunAsync(status);
        await Assert.ThrowsAsync<EntityConflictException>(() => AppendAsync(run.RunId, new RunCancelled()));
        Assert.Equal(status, (await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation)).Status);
    }

    [Theory]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.Cancelled)]
    public async Task Run_started_on_a_terminal_run_is_run_expired(RunStatus status)
    {
        var run = await EndedRunAsync(status);
        var error = await Assert.ThrowsAsync<RunExpiredException>(() => AppendAsync(run.RunId, new RunStarted()));
        Assert.Equal(410, error.Status);
        Assert.Equal(WorldErrorCodes.RunExpired, error.Code);
    }

    public static TheoryData<RunStatus, string> TerminalConflicts()
    {
        var data = new TheoryData<RunStatus, string>();
        foreach (var status in new[] { RunStatus.Completed, RunStatus.Failed, RunStatus.Cancelled })
        {
            foreach (var type in new[] { "run_completed", "run_failed", "step_created", "hook_created", "wait_created", "attr_set" })
            {
                data.Add(status, type);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TerminalConflicts))]
    public async Task A_terminal_run_refuses_terminal_events_and_new_entities(RunStatus status, string type)
    {
        var run = await EndedRunAsync(status);
        var logBefore = await ReadLogTypesAsync(run.RunId);
        var (data, correlationId) = type switch
        {
            "run_completed" => ((EventData)new RunCompleted(Bytes("x")), (string?)null),
            "run_failed" => (new RunFailed(new StructuredError("x")), null),
            "step_created" => (new StepCreated("s", Bytes("x")), NewId(IdPrefixes.Step)),
            "hook_created" => (new HookCreated(NewId("tok_")), NewId(IdPrefixes.Hook)),
            "wait_created" => (new WaitCreated(Clock.GetUtcNow().AddMinutes(1)), NewId(IdPrefixes.Wait)),
            _ => (new AttrSet([new AttributeChange("k", "v")], AttributeWriter.Workflow), null),
        };

        var error = await Assert.ThrowsAsync<EntityConflictException>(() => AppendAsync(run.RunId, data, correlationId));
        Assert.Equal(409, error.Status);
        Assert.Equal(logBefore, await ReadLogTypesAsync(run.RunId));
        Assert.Equal(status, (await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation)).Status);
    }

    [Fact]
    public async Task The_terminal_event_is_the_last_event_of_the_log()
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateStepAsync(run.RunId);
        await AppendAsync(run.RunId, new RunCompleted(Bytes("x")));
        await Assert.ThrowsAsync<RunExpiredException>(() => AppendAsync(run.RunId, new StepStarted(), step.StepId));
        Assert.Equal(EventType.RunCompleted, (await ReadLogAsync(run.RunId))[^1].EventType);
    }

    [Fact]
    public async Task Run_created_attributes_are_stored_and_attr_set_merges_them()
    {
        var created = await AppendAsync(null, new RunCreated("dpl", "wf", Bytes("x"))
        {
            Attributes = new Dictionary<string, string> { ["tenant"] = "acme", ["$rootRunId"] = "wrun_root" },
            AllowReservedAttributes = true,
        });
        var runId = created.Run!.RunId;
        Assert.Equal("acme", created.Run.Attributes["tenant"]);

        var result = await AppendAsync(runId, new AttrSet([new AttributeChange("tenant", null), new AttributeChange("region", "eu")], AttributeWriter.Workflow));
        Assert.Equal(new Dictionary<string, string> { ["$rootRunId"] = "wrun_root", ["region"] = "eu" }, result.Run!.Attributes);
        Assert.Equal(result.Run.Attributes, (await World.Runs.GetAsync(runId, cancellationToken: Cancellation)).Attributes);
    }

    [Fact]
    public async Task Attr_set_from_the_workflow_is_unique_per_correlation_id()
    {
        var run = await CreateStartedRunAsync();
        await AppendAsync(run.RunId, new AttrSet([new AttributeChange("a", "1")], AttributeWriter.Workflow), "attr_1");
        await Assert.ThrowsAsync<EntityConflictException>(() => AppendAsync(run.RunId, new AttrSet([new AttributeChange("a", "2")], AttributeWriter.Workflow), "attr_1"));
        Assert.Equal("1", (await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation)).Attributes["a"]);
    }

    [Fact]
    public async Task A_rejected_attr_set_does_not_consume_its_correlation_id()
    {
        var run = await CreateStartedRunAsync();
        await Assert.ThrowsAsync<AttributeValidationException>(() => AppendAsync(run.RunId, new AttrSet([new AttributeChange("$x", "1")], AttributeWriter.Workflow), "attr_1"));
        await AppendAsync(run.RunId, new AttrSet([new AttributeChange("x", "1")], AttributeWriter.Workflow), "attr_1");
        Assert.Equal("1", (await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation)).Attributes["x"]);
    }

    [Fact]
    public async Task Upserting_an_existing_key_at_the_64_key_cap_is_allowed()
    {
        var run = await CreateStartedRunAsync();
        await AppendAsync(run.RunId, new AttrSet([.. Enumerable.Range(0, 64).Select(i => new AttributeChange($"k{i}", "v"))], AttributeWriter.Workflow));
        await AppendAsync(run.RunId, new AttrSet([new AttributeChange("k0", "updated")], AttributeWriter.Workflow));
        await Assert.ThrowsAsync<AttributeValidationException>(() => AppendAsync(run.RunId, new AttrSet([new AttributeChange("k64", "v")], AttributeWriter.Workflow)));
        var attributes = (await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation)).Attributes;
        Assert.Equal(64, attributes.Count);
        Assert.Equal("updated", attributes["k0"]);
    }

    [Fact]
    public async Task Rejected_attribute_changes_change_nothing()
    {
        var run = await CreateStartedRunAsync();
        await Assert.ThrowsAsync<AttributeValidationException>(() => AppendAsync(run.RunId, new AttrSet([new AttributeChange("$retention", "0")], AttributeWriter.Workflow)));
        Assert.Empty((await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation)).Attributes);
        Assert.Equal([EventType.RunCreated, EventType.RunStarted], await ReadLogTypesAsync(run.RunId));
    }

    [Fact]
    public async Task Runs_get_of_an_unknown_run_is_run_not_found()
    {
        var runId = WorldIds.NewRunId(Clock.GetUtcNow());
        var error = await Assert.ThrowsAsync<RunNotFoundException>(() => World.Runs.GetAsync(runId, cancellationToken: Cancellation));
        Assert.Equal(runId, error.RunId);
    }

    [Fact]
    public async Task Get_many_returns_runs_in_input_order_with_null_for_missing()
    {
        var a = await CreateRunAsync();
        var b = await CreateRunAsync();
        var missing = WorldIds.NewRunId(Clock.GetUtcNow());
        var runs = await World.Runs.GetManyAsync([b.RunId, missing, a.RunId], cancellationToken: Cancellation);
        Assert.Equal([b.RunId, null, a.RunId], runs.Select(r => r?.RunId));
    }

    [Fact]
    public async Task Get_many_answers_repeated_ids_each_time()
    {
        var a = await CreateRunAsync();
        var runs = await World.Runs.GetManyAsync([a.RunId, a.RunId], cancellationToken: Cancellation);
        Assert.Equal([a.RunId, a.RunId], runs.Select(r => r!.RunId));
    }

    [Fact]
    public async Task Wait_for_terminal_status_returns_once_the_run_ends()
    {
        var run = await CreateStartedRunAsync();
        var waiting = World.Runs.WaitForTerminalStatusAsync(run.RunId, TimeSpan.FromHours(1), cancellationToken: Cancellation);
        Assert.False(waiting.IsCompleted);
        await AppendAsync(run.RunId, new RunCompleted(Bytes("ok")));
        var ended = await waiting.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
        Assert.Equal(RunStatus.Completed, ended.Status);
    }

    [Fact]
    public async Task Wait_for_terminal_status_returns_the_live_snapshot_after_the_timeout()
    {
        var run = await CreateStartedRunAsync();
        var waiting = World.Runs.WaitForTerminalStatusAsync(run.RunId, TimeSpan.FromSeconds(10), cancellationToken: Cancellation);
        Clock.Advance(TimeSpan.FromSeconds(11));
        var snapshot = await waiting.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);
        Assert.Equal(RunStatus.Running, snapshot.Status);
    }

    [Fact]
    public async Task Wait_for_terminal_status_of_an_unknown_run_is_run_not_found()
    {
        await Assert.ThrowsAsync<RunNotFoundException>(() =>
            World.Runs.WaitForTerminalStatusAsync(WorldIds.NewRunId(Clock.GetUtcNow()), TimeSpan.FromSeconds(1), cancellationToken: Cancellation));
    }
}
