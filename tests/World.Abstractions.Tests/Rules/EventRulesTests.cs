using World.Backends;

namespace World.Abstractions.Tests.Rules;

/// <summary>
/// The event rules in isolation: a snapshot and a request in, a plan or a typed rejection out. The "RowN" prefixes in
/// test names are rows of an acceptance checklist kept outside this repository; the rules they test are stated in
/// docs/guarantees.md#4-transition-rules and docs/guarantees.md#5-atomicity-uniqueness-and-ordering.
/// </summary>
public sealed class EventRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ReadOnlyMemory<byte> Payload = new byte[] { 1, 0, 2 };
    private readonly EventRules _rules = new();
    private readonly string _runId = WorldIds.NewRunId(Now);

    private PreparedEvent Prepare(EventData data, string? correlationId = null, string? runId = "") =>
        _rules.Prepare(runId == "" ? _runId : runId, new EventRequest(data, correlationId), Now);

    private EventDecision Decide(EventData data, EventSnapshot snapshot, string? correlationId = null, DateTimeOffset? at = null) =>
        _rules.Decide(Prepare(data, correlationId), snapshot, at ?? Now);

    private EventPlan Accept(EventData data, EventSnapshot snapshot, string? correlationId = null, DateTimeOffset? at = null)
    {
        var decision = Decide(data, snapshot, correlationId, at);
        Assert.True(decision.IsAccepted, decision.Rejection?.Message);
        return decision.Plan!;
    }

    private TException Reject<TException>(EventData data, EventSnapshot snapshot, string? correlationId = null, DateTimeOffset? at = null)
        where TException : WorldException
    {
        var decision = Decide(data, snapshot, correlationId, at);
        Assert.False(decision.IsAccepted, "expected a rejection");
        return Assert.IsType<TException>(decision.Rejection);
    }

    private WorkflowRun Run(RunStatus status, DateTimeOffset? startedAt = null) => new()
    {
        RunId = _runId,
        Status = status,
        DeploymentId = "dpl",
        WorkflowName = "wf",
        SpecVersion = SpecVersions.Current,
        Input = Payload,
        StartedAt = startedAt ?? (status == RunStatus.Pending ? null : Now.AddMinutes(-5)),
        CompletedAt = status.IsTerminal() ? Now.AddMinutes(-1) : null,
        CreatedAt = Now.AddMinutes(-10),
        UpdatedAt = Now.AddMinutes(-1),
    };

    private Step StepIn(StepStatus status, int attempt = 1, DateTimeOffset? retryAfter = null) => new()
    {
        RunId = _runId,
        StepId = "step_a",
        StepName = "s",
        Status = status,
        Input = Payload,
        Attempt = attempt,
        StartedAt = attempt > 0 ? Now.AddMinutes(-3) : null,
        RetryAfter = retryAfter,
        CreatedAt = Now.AddMinutes(-4),
        UpdatedAt = Now.AddMinutes(-3),
        SpecVersion = SpecVersions.Current,
    };

    private Hook HookIn() => new()
    {
        RunId = _runId,
        HookId = "hook_a",
        Token = "tok",
        CreatedAt = Now.AddMinutes(-2),
        SpecVersion = SpecVersions.Current,
    };

    private EventSnapshot With(RunStatus status) => new() { Run = Run(status) };

    [Fact]
    public void Row1_run_created_without_run_id_mints_a_pending_run()
    {
        var prepared = _rules.Prepare(null, new EventRequest(new RunCreated("dpl", "wf", Payload)), Now);
        Assert.StartsWith(IdPrefixes.Run, prepared.RunId, StringComparison.Ordinal);

        var plan = _rules.Decide(prepared, EventSnapshot.Missing, Now).PlanOrThrow();

        Assert.True(plan.CreatesRun);
        var run = plan.Run!;
        Assert.Equal(RunStatus.Pending, run.Status);
        Assert.Equal(run.CreatedAt, run.UpdatedAt);
        Assert.Equal(SpecVersions.Current, run.SpecVersion);
        Assert.Equal(Payload.ToArray(), run.Input!.Value.ToArray());
        Assert.Equal(EventType.RunCreated, Assert.Single(plan.Events).EventType);
        Assert.Same(plan.Events[0], plan.Result.Event);
        Assert.Equal(25_000, plan.Result.MaxEvents);
    }

    [Fact]
    public void Row1_the_spec_version_of_the_request_is_copied_to_the_run_and_event()
    {
        var prepared = _rules.Prepare(null, new EventRequest(new RunCreated("dpl", "wf", Payload)) { SpecVersion = 3 }, Now);
        var plan = _rules.Decide(prepared, EventSnapshot.Missing, Now).PlanOrThrow();
        Assert.Equal(3, plan.Run!.SpecVersion);
        Assert.Equal(3, plan.Events[0].SpecVersion);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(SpecVersions.Current + 1)]
    public void Unsupported_spec_versions_are_rejected(int specVersion)
    {
        var error = Assert.Throws<RunNotSupportedException>(() =>
            _rules.Prepare(null, new EventRequest(new RunCreated("dpl", "wf", Payload)) { SpecVersion = specVersion }, Now));
        Assert.Equal(400, error.Status);
    }

    [Fact]
    public void Events_on_a_stored_run_with_an_unsupported_spec_version_are_rejected()
    {
        var legacy = Run(RunStatus.Running) with { SpecVersion = SpecVersions.Legacy };
        Reject<RunNotSupportedException>(new RunCompleted(Payload), new EventSnapshot { Run = legacy });
    }

    [Theory]
    [InlineData("wrun_123")]
    [InlineData("wrun_01ARZ3NDEKTSV4RRFFQ69G5FA")]
    [InlineData("run_01ARZ3NDEKTSV4RRFFQ69G5FAV")]
    [InlineData("wrun_01ARZ3NDEKTSV4RRFFQ69G5FA!")]
    [InlineData("wrun_8ZZZZZZZZZZZZZZZZZZZZZZZZZ")]
    public void Row2_malformed_client_run_ids_are_rejected(string runId)
    {
        var error = Assert.Throws<WorldValidationException>(() => Prepare(new RunCreated("dpl", "wf", Payload), runId: runId));
        Assert.Equal(400, error.Status);
        Assert.Equal("runId", error.Field);
    }

    [Theory]
    [InlineData(-24 * 60 - 1, false)]
    [InlineData(-24 * 60 + 1, true)]
    [InlineData(4, true)]
    [InlineData(6, false)]
    public void Row2_client_run_ids_must_be_within_24h_before_and_5min_after_now(int minutesFromNow, bool accepted)
    {
        var runId = WorldIds.NewRunId(Now.AddMinutes(minutesFromNow));
        var prepare = () => Prepare(new RunCreated("dpl", "wf", Payload), runId: runId);
        if (accepted)
        {
            Assert.Equal(runId, prepare().RunId);
        }
        else
        {
            Assert.Contains("timestamp", Assert.Throws<WorldValidationException>(prepare).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Row3_a_second_run_created_conflicts()
    {
        Reject<EntityConflictException>(new RunCreated("dpl", "wf", Payload), With(RunStatus.Pending));
    }

    [Fact]
    public void Row4_run_started_moves_pending_to_running_and_preloads_the_log()
    {
        var plan = Accept(new RunStarted(), With(RunStatus.Pending));
        Assert.Equal(RunStatus.Running, plan.Run!.Status);
        Assert.Equal(Now, plan.Run.StartedAt);
        Assert.True(plan.PreloadsEvents);
        Assert.Equal(EventType.RunStarted, Assert.Single(plan.Events).EventType);
    }

    [Fact]
    public void Row5_run_started_on_a_running_run_appends_nothing_and_keeps_startedAt()
    {
        var snapshot = new EventSnapshot { Run = Run(RunStatus.Running, startedAt: Now.AddHours(-1)) };
        var plan = Accept(new RunStarted(), snapshot);
        Assert.True(plan.IsNoOp);
        Assert.Null(plan.Result.Event);
        Assert.Equal(Now.AddHours(-1), plan.Result.Run!.StartedAt);
    }

    [Fact]
    public void Row6_resilient_run_started_creates_the_missing_run_with_a_synthetic_run_created_first()
    {
        var data = new RunStarted { DeploymentId = "dpl", WorkflowName = "wf", Input = Payload };
        var plan = Accept(data, EventSnapshot.Missing);

        Assert.True(plan.CreatesRun);
        Assert.Equal([EventType.RunCreated, EventType.RunStarted], plan.Events.Select(e => e.EventType));
        Assert.True(string.CompareOrdinal(plan.Events[0].EventId, plan.Events[1].EventId) < 0);
        var created = Assert.IsType<RunCreated>(plan.Events[0].Data);
        Assert.Equal(Payload.ToArray(), created.Input!.Value.ToArray());
        Assert.Equal(new RunStarted(), plan.Events[1].Data);
        Assert.Equal(RunStatus.Running, plan.Run!.Status);
        Assert.Same(plan.Events[1], plan.Result.Event);
    }

    [Fact]
    public void Row6_the_resilient_start_payload_is_never_persisted_on_run_started()
    {
        var data = new RunStarted { DeploymentId = "dpl", WorkflowName = "wf", Input = Payload };
        var plan = Accept(data, With(RunStatus.Pending));
        Assert.Equal(new RunStarted(), Assert.Single(plan.Events).Data);
    }

    [Theory]
    [MemberData(nameof(RunEventsThatNeedARun))]
    public void Row7_run_events_on_a_missing_run_are_not_found(EventData data)
    {
        var error = Reject<RunNotFoundException>(data, EventSnapshot.Missing);
        Assert.Equal(404, error.Status);
        Assert.Equal(_runId, error.RunId);
    }

    public static TheoryData<EventData> RunEventsThatNeedARun() =>
    [
        new RunStarted(),
        new RunStarted { DeploymentId = "dpl", WorkflowName = "wf" },
        new RunCompleted(Payload),
        new RunFailed(new StructuredError("boom")),
        new RunCancelled(),
        new AttrSet([new AttributeChange("k", "v")], AttributeWriter.Workflow),
    ];

    [Theory]
    [InlineData(RunStatus.Pending)]
    [InlineData(RunStatus.Running)]
    public void Row8_run_completed_sets_status_output_and_completedAt_and_ends_the_run(RunStatus from)
    {
        var plan = Accept(new RunCompleted(Payload), With(from));
        Assert.Equal(RunStatus.Completed, plan.Run!.Status);
        Assert.Equal(Now, plan.Run.CompletedAt);
        Assert.Equal(Payload.ToArray(), plan.Run.Output!.Value.ToArray());
        Assert.True(plan.EndsRun);
    }

    [Fact]
    public void Row8_run_failed_records_the_error_with_the_error_code()
    {
        var plan = Accept(new RunFailed(new StructuredError("boom", "at x"), "USER_ERROR"), With(RunStatus.Running));
        Assert.Equal(RunStatus.Failed, plan.Run!.Status);
        Assert.Equal(new StructuredError("boom", "at x", "USER_ERROR"), plan.Run.Error);
        Assert.Equal(Now, plan.Run.CompletedAt);
        Assert.True(plan.EndsRun);
    }

    [Fact]
    public void Row9_cancelling_a_cancelled_run_appends_the_event_without_changing_the_run()
    {
        var plan = Accept(new RunCancelled(), With(RunStatus.Cancelled));
        Assert.Single(plan.Events);
        Assert.Null(plan.Run);
        Assert.False(plan.EndsRun);
        Assert.Equal(RunStatus.Cancelled, plan.Result.Run!.Status);
    }

    [Theory]
    [InlineData(RunStatus.Pending)]
    [InlineData(RunStatus.Running)]
    public void Row9_cancel_ends_a_live_run(RunStatus from)
    {
        var plan = Accept(new RunCancelled("user asked"), With(from));
        Assert.Equal(RunStatus.Cancelled, plan.Run!.Status);
        Assert.True(plan.EndsRun);
    }

    [Theory]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Failed)]
    public void Row9_cancel_after_completion_or_failure_conflicts(RunStatus status)
    {
        Reject<EntityConflictException>(new RunCancelled(), With(status));
    }

    [Theory]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.Cancelled)]
    public void Row10_run_started_on_a_terminal_run_is_expired(RunStatus status)
    {
        var error = Reject<RunExpiredException>(new RunStarted(), With(status));
        Assert.Equal(410, error.Status);
        Assert.Equal(status, error.RunStatus);
    }

    public static TheoryData<RunStatus, EventData, string?> TerminalConflicts()
    {
        var data = new TheoryData<RunStatus, EventData, string?>();
        foreach (var status in new[] { RunStatus.Completed, RunStatus.Failed, RunStatus.Cancelled })
        {
            data.Add(status, new RunCompleted(Payload), null);
            data.Add(status, new RunFailed(new StructuredError("x")), null);
            data.Add(status, new StepCreated("s", Payload), "step_b");
            data.Add(status, new HookCreated("tok2"), "hook_b");
            data.Add(status, new WaitCreated(Now.AddHours(1)), "wait_b");
            data.Add(status, new AttrSet([new AttributeChange("k", "v")], AttributeWriter.Workflow), null);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TerminalConflicts))]
    public void Row10_terminal_runs_refuse_terminal_transitions_and_new_entities(RunStatus status, EventData data, string? correlationId)
    {
        var error = Reject<EntityConflictException>(data, With(status), correlationId);
        Assert.Equal(409, error.Status);
    }

    [Theory]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.Cancelled)]
    public void Row11_terminal_transitions_ask_the_backend_to_delete_hooks_and_waits(RunStatus target)
    {
        EventData data = target switch
        {
            RunStatus.Completed => new RunCompleted(),
            RunStatus.Failed => new RunFailed(new StructuredError("x")),
            _ => new RunCancelled(),
        };
        Assert.True(Accept(data, With(RunStatus.Running)).EndsRun);
    }

    [Fact]
    public void Row12_step_created_is_pending_with_attempt_zero()
    {
        var plan = Accept(new StepCreated("s", Payload), With(RunStatus.Running), "step_a");
        Assert.True(plan.CreatesStep);
        Assert.Equal(StepStatus.Pending, plan.Step!.Status);
        Assert.Equal(0, plan.Step.Attempt);
        Assert.Null(plan.Step.StartedAt);
        Assert.Equal("step_a", plan.Step.StepId);
    }

    [Fact]
    public void Row12_a_duplicate_step_created_conflicts()
    {
        Reject<EntityConflictException>(new StepCreated("s", Payload), With(RunStatus.Running) with { Step = StepIn(StepStatus.Pending) }, "step_a");
        Reject<EntityConflictException>(new StepCreated("s", Payload), With(RunStatus.Running) with { CorrelationEventExists = true }, "step_a");
    }

    [Theory]
    [MemberData(nameof(StepEventsOnMissingStep))]
    public void Row13_step_events_on_a_missing_step_are_not_found(EventData data)
    {
        var error = Reject<EntityNotFoundException>(data, With(RunStatus.Running), "step_a");
        Assert.Equal(WorldErrorCodes.StepNotFound, error.Code);
        Assert.Equal(404, error.Status);
    }

    public static TheoryData<EventData> StepEventsOnMissingStep() =>
    [
        new StepStarted(),
        new StepCompleted(Payload),
        new StepFailed(new StructuredError("x")),
        new StepRetrying(new StructuredError("x")),
    ];

    [Fact]
    public void Row14_step_started_increments_attempt_sets_startedAt_once_and_clears_retryAfter()
    {
        var first = Accept(new StepStarted(), With(RunStatus.Running) with { Step = StepIn(StepStatus.Pending, attempt: 0) }, "step_a").Step!;
        Assert.Equal(1, first.Attempt);
        Assert.Equal(Now, first.StartedAt);
        Assert.Equal(StepStatus.Running, first.Status);

        var retried = StepIn(StepStatus.Pending, attempt: 1, retryAfter: Now.AddSeconds(-1));
        var second = Accept(new StepStarted(), With(RunStatus.Running) with { Step = retried }, "step_a").Step!;
        Assert.Equal(2, second.Attempt);
        Assert.Equal(retried.StartedAt, second.StartedAt);
        Assert.Null(second.RetryAfter);
    }

    [Fact]
    public void Row14_step_started_on_a_running_step_is_a_retry_and_still_increments()
    {
        var step = Accept(new StepStarted(), With(RunStatus.Running) with { Step = StepIn(StepStatus.Running, attempt: 3) }, "step_a").Step!;
        Assert.Equal(4, step.Attempt);
    }

    [Fact]
    public void Row15_step_retrying_goes_back_to_pending_with_error_and_retryAfter_keeping_attempt()
    {
        var error = new StructuredError("flaky", "stack");
        var step = Accept(new StepRetrying(error, Now.AddSeconds(10)), With(RunStatus.Running) with { Step = StepIn(StepStatus.Running, attempt: 2) }, "step_a").Step!;
        Assert.Equal(StepStatus.Pending, step.Status);
        Assert.Equal(error, step.Error);
        Assert.Equal(Now.AddSeconds(10), step.RetryAfter);
        Assert.Equal(2, step.Attempt);
    }

    [Fact]
    public void Row15_step_started_before_retryAfter_is_too_early_with_the_remaining_seconds()
    {
        var snapshot = With(RunStatus.Running) with { Step = StepIn(StepStatus.Pending, retryAfter: Now.AddMilliseconds(9200)) };
        var error = Reject<TooEarlyException>(new StepStarted(), snapshot, "step_a");
        Assert.Equal(425, error.Status);
        Assert.Equal(10, error.RetryAfterSeconds);
        Assert.Equal(Now.AddMilliseconds(9200), error.RetryAt);

        var atRetryTime = Accept(new StepStarted(), snapshot, "step_a", at: Now.AddMilliseconds(9200));
        Assert.Equal(StepStatus.Running, atRetryTime.Step!.Status);
    }

    [Fact]
    public void Row16_step_completed_records_output_and_completedAt()
    {
        var step = Accept(new StepCompleted(Payload), With(RunStatus.Running) with { Step = StepIn(StepStatus.Running) }, "step_a").Step!;
        Assert.Equal(StepStatus.Completed, step.Status);
        Assert.Equal(Payload.ToArray(), step.Output!.Value.ToArray());
        Assert.Equal(Now, step.CompletedAt);
    }

    public static TheoryData<StepStatus, EventData> TerminalStepEvents()
    {
        var data = new TheoryData<StepStatus, EventData>();
        foreach (var status in new[] { StepStatus.Completed, StepStatus.Failed, StepStatus.Cancelled })
        {
            data.Add(status, new StepStarted());
            data.Add(status, new StepCompleted(Payload));
            data.Add(status, new StepFailed(new StructuredError("x")));
            data.Add(status, new StepRetrying(new StructuredError("x")));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TerminalStepEvents))]
    public void Row16_a_terminal_step_refuses_every_step_event(StepStatus status, EventData data)
    {
        Reject<EntityConflictException>(data, With(RunStatus.Running) with { Step = StepIn(status) }, "step_a");
    }

    [Theory]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.Cancelled)]
    public void Row17_a_running_step_may_still_finish_after_the_run_ended(RunStatus status)
    {
        var snapshot = With(status) with { Step = StepIn(StepStatus.Running) };
        Assert.Equal(StepStatus.Completed, Accept(new StepCompleted(Payload), snapshot, "step_a").Step!.Status);
        Assert.Equal(StepStatus.Failed, Accept(new StepFailed(new StructuredError("x")), snapshot, "step_a").Step!.Status);
    }

    [Theory]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Cancelled)]
    public void Row17_a_non_running_step_of_an_ended_run_is_expired(RunStatus status)
    {
        var snapshot = With(status) with { Step = StepIn(StepStatus.Pending) };
        Reject<RunExpiredException>(new StepStarted(), snapshot, "step_a");
        Reject<RunExpiredException>(new StepCompleted(Payload), snapshot, "step_a");
    }

    [Fact]
    public void Row19_hook_created_creates_the_hook_and_isWebhook_defaults_to_true()
    {
        var plan = Accept(new HookCreated("tok", Payload), With(RunStatus.Running), "hook_a");
        var hook = plan.CreatedHook!;
        Assert.Equal("tok", hook.Token);
        Assert.True(hook.IsWebhook);
        Assert.Equal(Payload.ToArray(), hook.Metadata!.Value.ToArray());
        Assert.Same(hook, plan.Result.Hook);

        Assert.False(Accept(new HookCreated("tok") { IsWebhook = false }, With(RunStatus.Running), "hook_a").CreatedHook!.IsWebhook);
    }

    [Fact]
    public void Row20_a_token_held_by_another_hook_yields_a_hook_conflict_event_and_no_hook()
    {
        var snapshot = With(RunStatus.Running) with { TokenHolder = new HookTokenHolder("wrun_other", "hook_x") };
        var plan = Accept(new HookCreated("tok"), snapshot, "hook_a");
        Assert.Null(plan.CreatedHook);
        Assert.Null(plan.Result.Hook);
        var conflict = Assert.Single(plan.Events);
        Assert.Equal(EventType.HookConflict, conflict.EventType);
        Assert.Equal("hook_a", conflict.CorrelationId);
        Assert.Equal(new HookConflict("tok", "wrun_other"), conflict.Data);
    }

    [Fact]
    public void Row21_a_duplicate_hook_created_conflicts_rather_than_yielding_hook_conflict()
    {
        var snapshot = With(RunStatus.Running) with { Hook = HookIn(), TokenHolder = new HookTokenHolder(_runId, "hook_a") };
        Reject<EntityConflictException>(new HookCreated("tok"), snapshot, "hook_a");
        Reject<EntityConflictException>(new HookCreated("tok"), With(RunStatus.Running) with { CorrelationEventExists = true }, "hook_a");
    }

    [Fact]
    public void Row22_hook_received_on_a_live_hook_appends_and_changes_no_entity()
    {
        var plan = Accept(new HookReceived(Payload), With(RunStatus.Running) with { Hook = HookIn() }, "hook_a");
        Assert.Single(plan.Events);
        Assert.Null(plan.Run);
        Assert.Null(plan.CreatedHook);
        Assert.Null(plan.DisposedHook);
    }

    [Fact]
    public void Row22_hook_received_on_a_missing_hook_is_hook_not_found()
    {
        Assert.Equal(404, Reject<HookNotFoundException>(new HookReceived(Payload), With(RunStatus.Running), "hook_a").Status);
    }

    [Fact]
    public void Row23_hook_disposed_deletes_the_hook_and_a_second_dispose_is_not_found()
    {
        var plan = Accept(new HookDisposed(), With(RunStatus.Running) with { Hook = HookIn() }, "hook_a");
        Assert.Equal("hook_a", plan.DisposedHook!.HookId);
        Reject<HookNotFoundException>(new HookDisposed(), With(RunStatus.Running), "hook_a");
    }

    [Fact]
    public void Row25_wait_created_then_completed_exactly_once()
    {
        var created = Accept(new WaitCreated(Now.AddDays(90)), With(RunStatus.Running), "wait_a");
        var wait = created.Wait!;
        Assert.True(created.CreatesWait);
        Assert.Equal(WaitStatus.Waiting, wait.Status);
        Assert.Equal($"{_runId}-wait_a", wait.WaitId);
        Assert.Equal(Now.AddDays(90), wait.ResumeAt);

        Reject<EntityConflictException>(new WaitCreated(Now), With(RunStatus.Running) with { Wait = wait }, "wait_a");

        var completed = Accept(new WaitCompleted(), With(RunStatus.Running) with { Wait = wait }, "wait_a").Wait!;
        Assert.Equal(WaitStatus.Completed, completed.Status);
        Assert.Equal(Now, completed.CompletedAt);

        Reject<EntityConflictException>(new WaitCompleted(), With(RunStatus.Running) with { Wait = completed }, "wait_a");
        Assert.Equal(WorldErrorCodes.WaitNotFound, Reject<EntityNotFoundException>(new WaitCompleted(), With(RunStatus.Running), "wait_a").Code);
    }

    [Fact]
    public void Attr_set_merges_upserts_and_deletes()
    {
        var run = Run(RunStatus.Running) with { Attributes = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } };
        var plan = Accept(new AttrSet([new AttributeChange("a", "9"), new AttributeChange("b", null), new AttributeChange("c", "3")], AttributeWriter.Workflow), new EventSnapshot { Run = run });
        Assert.Equal(new Dictionary<string, string> { ["a"] = "9", ["c"] = "3" }, plan.Run!.Attributes);
    }

    [Fact]
    public void Attr_set_by_the_workflow_is_unique_per_correlation_id()
    {
        var snapshot = With(RunStatus.Running) with { CorrelationEventExists = true };
        Reject<EntityConflictException>(new AttrSet([new AttributeChange("a", "1")], AttributeWriter.Workflow), snapshot, "attr_1");
        Assert.True(Prepare(new AttrSet([new AttributeChange("a", "1")], AttributeWriter.Workflow), "attr_1").RequiresUniqueCorrelation);
        Assert.False(Prepare(new AttrSet([new AttributeChange("a", "1")], new AttributeWriter("step", "step_a", 1)), "attr_1").RequiresUniqueCorrelation);
    }

    [Fact]
    public void Attr_set_beyond_64_keys_after_the_merge_is_rejected()
    {
        var attributes = Enumerable.Range(0, 64).ToDictionary(i => $"k{i}", i => "v");
        var snapshot = new EventSnapshot { Run = Run(RunStatus.Running) with { Attributes = attributes } };
        Reject<AttributeValidationException>(new AttrSet([new AttributeChange("one-more", "v")], AttributeWriter.Workflow), snapshot);
        Accept(new AttrSet([new AttributeChange("k1", null), new AttributeChange("one-more", "v")], AttributeWriter.Workflow), snapshot);
    }

    [Fact]
    public void Event_ids_are_minted_after_the_last_event_even_when_the_clock_went_backwards()
    {
        var last = WorldIds.NewEventIdAfter(null, Now.AddMinutes(10));
        var plan = Accept(new StepCreated("s", Payload), With(RunStatus.Running) with { LastEventId = last }, "step_a");
        Assert.True(string.CompareOrdinal(plan.Events[0].EventId, last) > 0);
    }

    [Fact]
    public void Timestamps_are_truncated_to_microseconds()
    {
        var at = Now.AddTicks(7);
        var plan = Accept(new StepCreated("s", Payload), With(RunStatus.Running), "step_a", at);
        Assert.Equal(Now, plan.Step!.CreatedAt);
        Assert.Equal(Now, plan.Events[0].CreatedAt);
    }

    [Fact]
    public void Events_on_a_missing_run_other_than_creation_are_run_not_found()
    {
        Reject<RunNotFoundException>(new StepCreated("s", Payload), EventSnapshot.Missing, "step_a");
        Reject<RunNotFoundException>(new HookCreated("t"), EventSnapshot.Missing, "hook_a");
        Reject<RunNotFoundException>(new WaitCreated(Now), EventSnapshot.Missing, "wait_a");
        Reject<RunNotFoundException>(new HookReceived(Payload), EventSnapshot.Missing, "hook_a");
    }

    [Fact]
    public void A_rejected_decision_plans_nothing()
    {
        var decision = Decide(new RunCompleted(), With(RunStatus.Completed));
        Assert.Null(decision.Plan);
        Assert.Throws<EntityConflictException>(decision.PlanOrThrow);
    }
}
