namespace World.Testing.Storage;

/// <summary>
/// Steps: creation, attempts, retries, completion and failure (docs/guarantees.md#4-transition-rules, item 4).
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class StepLifecycleTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    [Fact]
    public async Task Step_created_is_pending_with_attempt_zero()
    {
        var run = await CreateStartedRunAsync();
        var input = Bytes("[42]");
        var result = await AppendAsync(run.RunId, new StepCreated("step//charge", input), "step_charge");

        var step = result.Step!;
        Assert.Equal(run.RunId, step.RunId);
        Assert.Equal("step_charge", step.StepId);
        Assert.Equal("step//charge", step.StepName);
        Assert.Equal(StepStatus.Pending, step.Status);
        Assert.Equal(0, step.Attempt);
        Assert.Null(step.StartedAt);
        Assert.Equal(Clock.GetUtcNow(), step.CreatedAt);
        AssertPayload(input, step.Input);
        Assert.Equal(EventType.StepCreated, result.Event!.EventType);
        Assert.Equal("step_charge", result.Event.CorrelationId);
    }

    [Fact]
    public async Task Step_started_with_name_and_input_creates_and_starts_a_missing_step_in_one_write()
    {
        var run = await CreateStartedRunAsync();
        var input = Bytes("[7]");
        var result = await AppendAsync(run.RunId, new StepStarted { StepName = "step//charge", Input = input, Attempt = 1, WorkflowName = "workflow//sample" }, "step_lazy");

        var step = result.Step!;
        Assert.Equal(StepStatus.Running, step.Status);
        Assert.Equal(1, step.Attempt);
        Assert.Equal("step//charge", step.StepName);
        Assert.Equal(Clock.GetUtcNow(), step.CreatedAt);
        Assert.Equal(Clock.GetUtcNow(), step.StartedAt);
        AssertPayload(input, step.Input);
        Assert.Equal(EventType.StepStarted, result.Event!.EventType);
        Assert.Null(((StepStarted)result.Event.Data).Input);

        // The log reads as if step_created and step_started had been written one after the other.
        var log = await ReadLogAsync(run.RunId);
        var created = Assert.IsType<StepCreated>(log[^2].Data);
        Assert.Equal("step_lazy", log[^2].CorrelationId);
        Assert.Equal("step//charge", created.StepName);
        Assert.Equal("workflow//sample", created.WorkflowName);
        AssertPayload(input, created.Input);
        Assert.Equal(result.Event.EventId, log[^1].EventId);
        Assert.True(string.CompareOrdinal(log[^2].EventId, log[^1].EventId) < 0);
        Assert.Null(((StepStarted)log[^1].Data).Input);

        var read = await World.Steps.GetAsync(run.RunId, "step_lazy", cancellationToken: Cancellation);
        Assert.Equal(StepStatus.Running, read.Status);
        AssertPayload(input, read.Input);
        await AppendAsync(run.RunId, new StepCompleted(Bytes("ok")), "step_lazy");
        Assert.Equal(StepStatus.Completed, (await World.Steps.GetAsync(run.RunId, "step_lazy", cancellationToken: Cancellation)).Status);
    }

    [Fact]
    public async Task A_lazy_start_of_an_existing_step_only_starts_it_and_keeps_its_input()
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateStepAsync(run.RunId, input: Bytes("original"));
        var result = await AppendAsync(run.RunId, new StepStarted { StepName = "other", Input = Bytes("ignored") }, step.StepId);

        Assert.Equal(1, result.Step!.Attempt);
        AssertPayload(Bytes("original"), result.Step.Input);
        Assert.Equal([EventType.StepCreated, EventType.StepStarted], (await World.Events.ListAsync(new EventQuery(run.RunId) { CorrelationId = step.StepId }, Cancellation)).Data.Select(e => e.EventType));
    }

    [Fact]
    public async Task A_lazy_start_is_refused_on_an_ended_run_and_needs_a_name()
    {
        var run = await CreateStartedRunAsync();
        await Assert.ThrowsAnyAsync<WorldValidationException>(() => AppendAsync(run.RunId, new StepStarted { Input = Bytes("x") }, "step_nameless"));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => AppendAsync(run.RunId, new StepStarted { StepName = "step//x" }, "step_inputless"));

        await AppendAsync(run.RunId, new RunCompleted(Bytes("done")));
        await Assert.ThrowsAsync<EntityConflictException>(() => AppendAsync(run.RunId, new StepStarted { StepName = "step//x", Input = Bytes("x") }, "step_late"));
        Assert.Equal(EventType.RunCompleted, (await ReadLogAsync(run.RunId))[^1].EventType);
    }

    [Fact]
    public async Task Racing_lazy_starts_of_one_step_create_it_once()
    {
        var run = await CreateStartedRunAsync();
        var outcomes = await RaceAsync(8, i => AppendAsync(run.RunId, new StepStarted { StepName = "step//race", Input = Bytes($"{i}") }, "step_race"));

        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error?.ToString()));
        var events = (await World.Events.ListAsync(new EventQuery(run.RunId) { CorrelationId = "step_race" }, Cancellation)).Data;
        Assert.Equal(1, events.Count(e => e.EventType == EventType.StepCreated));
        Assert.Equal(8, events.Count(e => e.EventType == EventType.StepStarted));
        Assert.Equal(8, (await World.Steps.GetAsync(run.RunId, "step_race", cancellationToken: Cancellation)).Attempt);
    }

    [Fact]
    public async Task Steps_get_returns_the_stored_step()
    {
        var run = await CreateStartedRunAsync();
        var created = await CreateStepAsync(run.RunId, input: Bytes("in"));
        var read = await World.Steps.GetAsync(run.RunId, created.StepId, cancellationToken: Cancellation);
        Assert.Equal(created.StepId, read.StepId);
        Assert.Equal(created.Status, read.Status);
        Assert.Equal(created.CreatedAt, read.CreatedAt);
        AssertPayload(Bytes("in"), read.Input);
    }

    [Fact]
    public async Task A_pending_run_accepts_steps()
    {
        var run = await CreateRunAsync();
        Assert.Equal(StepStatus.Pending, (await CreateStepAsync(run.RunId)).Status);
    }

    [Fact]
    public async Task A_duplicate_step_created_conflicts_and_leaves_one_event()
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateStepAsync(run.RunId, input: Bytes("first"));
        await Assert.ThrowsAsync<EntityConflictException>(() => AppendAsync(run.RunId, new StepCreated("other", Bytes("second")), step.StepId));

        var events = await World.Events.ListAsync(new EventQuery(run.RunId) { CorrelationId = step.StepId }, Cancellation);
        Assert.Equal([EventType.StepCreated], events.Data.Select(e => e.EventType));
        AssertPayload(Bytes("first"), (await World.Steps.GetAsync(run.RunId, step.StepId, cancellationToken: Cancellation)).Input);
    }

    [Fact]
    public async Task The_same_step_id_in_two_runs_is_two_steps()
    {
        var a = await CreateStartedRunAsync();
        var b = await CreateStartedRunAsync();
        await CreateStepAsync(a.RunId, "step_shared", Bytes("a"));
        await CreateStepAsync(b.RunId, "step_shared", Bytes("b"));
        AssertPayload(Bytes("a"), (await World.Steps.GetAsync(a.RunId, "step_shared", cancellationToken: Cancellation)).Input);
        AssertPayload(Bytes("b"), (await World.Steps.GetAsync(b.RunId, "step_shared", cancellationToken: Cancellation)).Input);
    }

    public static TheoryData<string> StepEvents() => ["step_started", "step_completed", "step_failed", "step_retrying"];

    private EventData StepEvent(string type) => type switch
    {
        "step_started" => new StepStarted(),
        "step_completed" => new StepCompleted(Bytes("r")),
        "step_failed" => new StepFailed(new StructuredError("f")),
        _ => new StepRetrying(new StructuredError("r"), Clock.GetUtcNow().AddSeconds(1)),
    };

    [Theory]
    [MemberData(nameof(StepEvents))]
    public async Task Step_events_on_a_missing_step_are_step_not_found(string type)
    {
        var run = await CreateStartedRunAsync();
        var error = await Assert.ThrowsAsync<EntityNotFoundException>(() => AppendAsync(run.RunId, StepEvent(type), "step_missing"));
        Assert.Equal(404, error.Status);
        Assert.Equal(WorldErrorCodes.StepNotFound, error.Code);
        Assert.Equal(EntityKind.Step, error.Kind);
        Assert.Equal([EventType.RunCreated, EventType.RunStarted], await ReadLogTypesAsync(run.RunId));
    }

    [Theory]
    [MemberData(nameof(StepEvents))]
    public async Task Step_events_on_a_missing_run_are_run_not_found(string type)
    {
        await Assert.ThrowsAsync<RunNotFoundException>(() => AppendAsync(WorldIds.NewRunId(Clock.GetUtcNow()), StepEvent(type), "step_a"));
    }

    [Fact]
    public async Task Step_started_increments_attempt_and_sets_startedAt_once()
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateStepAsync(run.RunId);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var first = (await AppendAsync(run.RunId, new StepStarted(), step.StepId)).Step!;
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = (await AppendAsync(run.RunId, new StepStarted(), step.StepId)).Step!;

        Assert.Equal(1, first.Attempt);
        Assert.Equal(StepStatus.Running, first.Status);
        Assert.Equal(2, second.Attempt);
        Assert.Equal(first.StartedAt, second.StartedAt);
        Assert.Equal(StartTime.AddSeconds(1), second.StartedAt);
        Assert.Equal(Clock.GetUtcNow(), second.UpdatedAt);
    }

    [Fact]
    public async Task Step_retrying_returns_to_pending_with_the_error_and_keeps_the_attempt()
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateRunningStepAsync(run.RunId);
        var retryAt = Clock.GetUtcNow().AddSeconds(10);
        var retried = (await AppendAsync(run.RunId, new StepRetrying(new StructuredError("timeout", "at Call()"), retryAt), step.StepId)).Step!;

        Assert.Equal(StepStatus.Pending, retried.Status);
        Assert.Equal(1, retried.Attempt);
        Assert.Equal(retryAt, retried.RetryAfter);
        Assert.Equal(new StructuredError("timeout", "at Call()"), retried.Error);
        Assert.Equal(retried.RetryAfter, (await World.Steps.GetAsync(run.RunId, step.StepId, cancellationToken: Cancellation)).RetryAfter);
    }

    [Fact]
    public async Task Starting_before_retryAfter_is_too_early_and_succeeds_once_the_time_has_come()
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateRunningStepAsync(run.RunId);
        await AppendAsync(run.RunId, new StepRetrying(new StructuredError("x"), Clock.GetUtcNow().AddSeconds(10)), step.StepId);

        var error = await Assert.ThrowsAsync<TooEarlyException>(() => AppendAsync(run.RunId, new StepStarted(), step.StepId));
        Assert.Equal(425, error.Status);
        Assert.Equal(10, error.RetryAfterSeconds);

        Clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(6, (await Assert.ThrowsAsync<TooEarlyException>(() => AppendAsync(run.RunId, new StepStarted(), step.StepId))).RetryAfterSeconds);

        Clock.Advance(TimeSpan.FromSeconds(6));
        var started = (await AppendAsync(run.RunId, new StepStarted(), step.StepId)).Step!;
        Assert.Equal(2, started.Attempt);
        Assert.Null(started.RetryAfter);
        Assert.Equal(StepStatus.Running, started.Status);
    }

    [Fact]
    public async Task Step_retrying_without_retryAfter_allows_an_immediate_start()
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateRunningStepAsync(run.RunId);
        await AppendAsync(run.RunId, new StepRetrying(new StructuredError("x")), step.StepId);
        Assert.Equal(2, (await AppendAsync(run.RunId, new StepStarted(), step.StepId)).Step!.Attempt);
    }

    [Fact]
    public async Task Step_completed_records_the_result()
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateRunningStepAsync(run.RunId);
        Clock.Advance(TimeSpan.FromMilliseconds(250));
        var result = Bytes("""{"ok":true}""");
        var completed = (await AppendAsync(run.RunId, new StepCompleted(result), step.StepId)).Step!;

        Assert.Equal(StepStatus.Completed, completed.Status);
        Assert.Equal(Clock.GetUtcNow(), completed.CompletedAt);
        AssertPayload(result, completed.Output);
        AssertPayload(result, (await World.Steps.GetAsync(run.RunId, step.StepId, cancellationToken: Cancellation)).Output);
    }

    [Fact]
    public async Task Step_failed_records_the_error()
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateRunningStepAsync(run.RunId);
        var failed = (await AppendAsync(run.RunId, new StepFailed(new StructuredError("fatal", "stack")), step.StepId)).Step!;
        Assert.Equal(StepStatus.Failed, failed.Status);
        Assert.Equal(new StructuredError("fatal", "stack"), failed.Error);
        Assert.NotNull(failed.CompletedAt);
    }

    [Fact]
    public async Task A_pending_step_may_be_completed()
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateStepAsync(run.RunId);
        Assert.Equal(StepStatus.Completed, (await AppendAsync(run.RunId, new StepCompleted(Bytes("r")), step.StepId)).Step!.Status);
    }

    public static TheoryData<string, string> TerminalStepEvents()
    {
        var data = new TheoryData<string, string>();
        foreach (var end in new[] { "step_completed", "step_failed" })
        {
            foreach (var next in new[] { "step_started", "step_completed", "step_failed", "step_retrying" })
            {
                data.Add(end, next);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TerminalStepEvents))]
    public async Task A_finished_step_refuses_every_step_event(string end, string next)
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateRunningStepAsync(run.RunId);
        var finished = (await AppendAsync(run.RunId, StepEvent(end), step.StepId)).Step!;

        var error = await Assert.ThrowsAsync<EntityConflictException>(() => AppendAsync(run.RunId, StepEvent(next), step.StepId));
        Assert.Equal(409, error.Status);
        var read = await World.Steps.GetAsync(run.RunId, step.StepId, cancellationToken: Cancellation);
        Assert.Equal(finished.Status, read.Status);
        Assert.Equal(finished.Attempt, read.Attempt);
    }

    [Theory]
    [InlineData(RunStatus.Completed, "step_completed")]
    [InlineData(RunStatus.Completed, "step_failed")]
    [InlineData(RunStatus.Failed, "step_completed")]
    [InlineData(RunStatus.Cancelled, "step_completed")]
    [InlineData(RunStatus.Cancelled, "step_failed")]
    public async Task A_step_running_when_the_run_ended_may_still_finish(RunStatus runStatus, string end)
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateRunningStepAsync(run.RunId);
        await AppendAsync(run.RunId, TerminalEvent(runStatus));

        var finished = (await AppendAsync(run.RunId, StepEvent(end), step.StepId)).Step!;
        Assert.True(finished.Status.IsTerminal());
        Assert.Equal(runStatus, (await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation)).Status);
    }

    [Theory]
    [InlineData("step_started")]
    [InlineData("step_completed")]
    [InlineData("step_failed")]
    public async Task A_pending_step_of_an_ended_run_is_run_expired(string type)
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateStepAsync(run.RunId);
        await AppendAsync(run.RunId, new RunCancelled());
        var error = await Assert.ThrowsAsync<RunExpiredException>(() => AppendAsync(run.RunId, StepEvent(type), step.StepId));
        Assert.Equal(410, error.Status);
        Assert.Equal(StepStatus.Pending, (await World.Steps.GetAsync(run.RunId, step.StepId, cancellationToken: Cancellation)).Status);
    }

    [Fact]
    public async Task Steps_get_of_an_unknown_step_is_step_not_found()
    {
        var run = await CreateStartedRunAsync();
        var error = await Assert.ThrowsAsync<EntityNotFoundException>(() => World.Steps.GetAsync(run.RunId, "step_nope", cancellationToken: Cancellation));
        Assert.Equal(WorldErrorCodes.StepNotFound, error.Code);
        await Assert.ThrowsAsync<EntityNotFoundException>(() => World.Steps.GetAsync(WorldIds.NewRunId(Clock.GetUtcNow()), "step_nope", cancellationToken: Cancellation));
    }

    [Fact]
    public async Task The_attempt_counter_counts_every_start_across_retries()
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateStepAsync(run.RunId);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            Assert.Equal(attempt, (await AppendAsync(run.RunId, new StepStarted { Attempt = attempt }, step.StepId)).Step!.Attempt);
            await AppendAsync(run.RunId, new StepRetrying(new StructuredError($"attempt {attempt}")), step.StepId);
        }

        var read = await World.Steps.GetAsync(run.RunId, step.StepId, cancellationToken: Cancellation);
        Assert.Equal(5, read.Attempt);
        Assert.Equal("attempt 5", read.Error!.Message);
    }
}
