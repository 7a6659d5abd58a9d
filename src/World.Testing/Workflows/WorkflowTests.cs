using World.Runtime;

namespace World.Testing.Workflows;

/// <summary>
/// End-to-end workflows through World.Runtime on the World under test: the scenarios of the upstream world-testing
/// package (https://github.com/vercel/workflow/tree/main/packages/world-testing) (addition, fan-out idempotency, hooks,
/// null bytes, retryable and fatal errors, custom run ids, lineage, event ceiling) plus sleeps on the fake clock,
/// cancellation, recovery and replay divergence.
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class WorkflowTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    /// <summary>Real time the tests wait for a run before failing; the fake clock never advances by itself.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly List<WorkflowRuntimeHost> _hosts = [];

    /// <summary>What the workflows report from their step bodies.</summary>
    protected WorkflowProbe Probe { get; } = new();

    /// <summary>The client of the first runtime started by the test.</summary>
    protected IWorkflowClient Client => _hosts.Count > 0 ? _hosts[0].Client : throw new InvalidOperationException("Start a runtime first.");

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts a runtime (client and worker) over the World under test.</summary>
    protected async Task<WorkflowRuntimeHost> StartRuntimeAsync(Action<WorkflowRuntimeOptions>? configure = null, IWorkflowSerializer? serializer = null, Func<Type, bool>? registers = null)
    {
        var host = await WorkflowRuntimeHost.StartAsync(World, Clock, Probe, configure, serializer, registers, Cancellation);
        _hosts.Add(host);
        return host;
    }

    /// <summary>Polls the World (in real time) until <paramref name="condition"/> holds.</summary>
    protected static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(10, Cancellation);
        }
    }

    /// <summary>Waits until the run's log has an event of <paramref name="type"/>.</summary>
    protected Task UntilLoggedAsync(string runId, EventType type, int count = 1) =>
        EventuallyAsync(async () => (await ReadLogTypesAsync(runId)).Count(t => t == type) >= count, $"run {runId} logged {count} × {type.ToWireName()}");

    /// <summary>The run's result, waiting in real time.</summary>
    protected static Task<T> ResultAsync<T>(WorkflowRunHandle<T> handle) =>
        handle.GetResultAsync(cancellationToken: Cancellation).WaitAsync(Patience, Cancellation);

    /// <summary>
    /// The run's result after a timer it waits for has been passed on the fake clock. The clock keeps ticking a
    /// second at a time meanwhile: a worker that checked the clock just before the test moved it arms its next
    /// poll from the new time, and only a further tick fires that poll (with a real clock, time simply goes on).
    /// </summary>
    protected async Task<T> ResultAfterTimerAsync<T>(WorkflowRunHandle<T> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var result = handle.GetResultAsync(cancellationToken: Cancellation);
        var deadline = DateTime.UtcNow + Patience;
        while (!result.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.WhenAny(result, Task.Delay(25, Cancellation));
            if (!result.IsCompleted)
            {
                Clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        return await result.WaitAsync(TimeSpan.Zero, Cancellation);
    }

    [Fact]
    public async Task An_addition_runs_one_step_and_stores_the_output()
    {
        await StartRuntimeAsync();

        var handle = await Client.StartAsync<AdditionWorkflow, int[], int>([1, 2], cancellationToken: Cancellation);

        Assert.Equal(3, await ResultAsync(handle));
        Assert.StartsWith(IdPrefixes.Run, handle.RunId, StringComparison.Ordinal);
        var run = await handle.GetRunAsync(Cancellation);
        Assert.Equal(RunStatus.Completed, run.Status);
        AssertPayload(Bytes("3"), run.Output);
        Assert.Equal(
            [EventType.RunCreated, EventType.RunStarted, EventType.StepCreated, EventType.StepStarted, EventType.StepCompleted, EventType.RunCompleted],
            await ReadLogTypesAsync(handle.RunId));
        Assert.Equal(1, Probe.Executions($"{handle.RunId}/add"));
    }

    [Fact]
    public async Task A_batch_start_runs_every_workflow_and_keeps_input_order()
    {
        await StartRuntimeAsync();
        var inputs = Enumerable.Range(0, 30).Select(i => new[] { i, 1000 }).ToArray();

        var handles = await Client.StartManyAsync<AdditionWorkflow, int[], int>(inputs, new StartWorkflowOptions { Attributes = new Dictionary<string, string> { ["batch"] = "b1" } }, Cancellation);

        Assert.Equal(30, handles.Count);
        Assert.Equal(30, handles.Select(h => h.RunId).Distinct().Count());
        for (var i = 0; i < handles.Count; i++)
        {
            Assert.Equal(i + 1000, await ResultAsync(handles[i]));
            Assert.Equal("b1", (await handles[i].GetRunAsync(Cancellation)).Attributes["batch"]);
        }

        await Assert.ThrowsAsync<ArgumentException>(() => Client.StartManyAsync<AdditionWorkflow, int[], int>(inputs, new StartWorkflowOptions { RunId = WorldIds.NewRunId(Clock.GetUtcNow()) }, Cancellation));
    }

    [Fact]
    public async Task A_fan_out_of_110_steps_runs_every_step_body_exactly_once()
    {
        await StartRuntimeAsync();

        var handle = await Client.StartAsync<FanOutWorkflow, int[], int[]>([10, 100], cancellationToken: Cancellation);
        var numbers = await ResultAsync(handle);

        Assert.Equal(110, numbers.Length);
        Assert.Equal(110, numbers.Distinct().Count());
        for (var i = 0; i < 110; i++)
        {
            Assert.Equal(1, Probe.Executions($"{handle.RunId}/noop/{i}"));
        }

        var steps = await World.Steps.ListAsync(new StepQuery(handle.RunId) { Page = new PageRequest { Limit = 1000 } }, Cancellation);
        Assert.Equal(110, steps.Data.Count);
        Assert.All(steps.Data, s => Assert.Equal((StepStatus.Completed, 1), (s.Status, s.Attempt)));
    }

    [Fact]
    public async Task Hooks_deliver_three_payloads_in_order_while_an_outside_reader_follows_the_stream()
    {
        await StartRuntimeAsync();
        var token = "order-approval-" + Guid.NewGuid().ToString("N");

        var handle = await Client.StartAsync<HookWorkflow, HookInput, List<HookPayload>>(new HookInput(token, "custom-42"), cancellationToken: Cancellation);
        await using var lines = handle.ReadStreamAsync<StreamLine>(cancellationToken: Cancellation).GetAsyncEnumerator(Cancellation);
        Assert.True(await lines.MoveNextAsync().AsTask().WaitAsync(Patience, Cancellation));
        Assert.Equal("hookCreated", lines.Current.Event);

        var hook = await World.Hooks.GetByTokenAsync(token, cancellationToken: Cancellation);
        Assert.Equal(handle.RunId, hook.RunId);
        Assert.Equal(new HookMetadata("custom-42"), new JsonWorkflowSerializer().Deserialize<HookMetadata>(hook.Metadata!.Value));
        HookPayload[] sent = [new("first"), new("second"), new("third", Done: true)];
        foreach (var payload in sent)
        {
            await Client.ResumeHookAsync(token, payload, Cancellation);
        }

        Assert.Equal(sent, await ResultAsync(handle));
        var echoed = new List<StreamLine>();
        while (await lines.MoveNextAsync().AsTask().WaitAsync(Patience, Cancellation))
        {
            echoed.Add(lines.Current);
        }

        Assert.Equal(sent.Select(p => new StreamLine("hookResumed", p)), echoed);
        await Assert.ThrowsAsync<HookNotFoundException>(() => World.Hooks.GetByTokenAsync(token, cancellationToken: Cancellation));
        await Assert.ThrowsAsync<HookNotFoundException>(() => Client.ResumeHookAsync(token, new HookPayload("late"), Cancellation));
    }

    [Fact]
    public async Task A_hook_token_held_by_another_run_fails_the_second_run_with_a_conflict()
    {
        await StartRuntimeAsync();
        var token = "shared-" + Guid.NewGuid().ToString("N");
        var holder = await Client.StartAsync<HookWorkflow, HookInput, List<HookPayload>>(new HookInput(token, "a"), cancellationToken: Cancellation);
        await UntilLoggedAsync(holder.RunId, EventType.HookCreated);

        var contender = await Client.StartAsync<HookWorkflow, HookInput, List<HookPayload>>(new HookInput(token, "b"), cancellationToken: Cancellation);

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => ResultAsync(contender));
        Assert.Equal(RunErrorCodes.UserError, failure.Error.Code);
        Assert.Contains(holder.RunId, failure.Error.Message, StringComparison.Ordinal);
        Assert.Contains(EventType.HookConflict, await ReadLogTypesAsync(contender.RunId));
        Assert.Equal(holder.RunId, (await World.Hooks.GetByTokenAsync(token, cancellationToken: Cancellation)).RunId);
    }

    [Fact]
    public async Task Null_bytes_in_step_results_survive()
    {
        await StartRuntimeAsync();

        var handle = await Client.StartAsync<NullByteWorkflow, string, string>("\0!", cancellationToken: Cancellation);

        Assert.Equal("null byte \0\0!", await ResultAsync(handle));
    }

    [Fact]
    public async Task Null_bytes_survive_the_cbor_serializer_too()
    {
        await StartRuntimeAsync(serializer: new CborWorkflowSerializer());

        var handle = await Client.StartAsync<NullByteWorkflow, string, string>("\0!", cancellationToken: Cancellation);

        Assert.Equal("null byte \0\0!", await ResultAsync(handle));
        var output = (await handle.GetRunAsync(Cancellation)).Output!.Value.ToArray();
        Assert.Contains((byte)0, output);
    }

    [Fact]
    public async Task A_retryable_error_retries_after_its_delay_and_a_fatal_error_is_caught_by_the_workflow()
    {
        await StartRuntimeAsync();

        var handle = await Client.StartAsync<ErrorsWorkflow, int, ErrorsResult>(2, cancellationToken: Cancellation);
        await UntilLoggedAsync(handle.RunId, EventType.StepRetrying);
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, Probe.Executions($"{handle.RunId}/flaky"));
        Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(new ErrorsResult(true, "card declined", 2), await ResultAfterTimerAsync(handle));
        var log = await ReadLogAsync(handle.RunId);
        var starts = log.Where(e => e.EventType == EventType.StepStarted).Take(2).ToList();
        Assert.True(starts[1].CreatedAt - starts[0].CreatedAt >= TimeSpan.FromSeconds(2), "the second attempt started before retryAfter");
        var retrying = (StepRetrying)log.Single(e => e.EventType == EventType.StepRetrying).Data;
        Assert.Equal(starts[0].CreatedAt + TimeSpan.FromSeconds(2), retrying.RetryAfter);
        var failed = (StepFailed)log.Single(e => e.EventType == EventType.StepFailed).Data;
        Assert.Equal(RunErrorCodes.Fatal, failed.Error!.Code);
        Assert.Equal(1, Probe.Executions($"{handle.RunId}/doomed"));
        var steps = (await World.Steps.ListAsync(new StepQuery(handle.RunId) { Page = new PageRequest { SortOrder = SortOrder.Ascending } }, Cancellation)).Data;
        Assert.Equal([2, 1], steps.Select(s => s.Attempt));
        Assert.Equal(starts[0].CreatedAt, steps[0].StartedAt);
    }

    [Fact]
    public async Task A_step_that_spends_its_attempts_fails_the_run_with_its_error()
    {
        await StartRuntimeAsync();

        var handle = await Client.StartAsync<FailingStepWorkflow, int, int>(0, cancellationToken: Cancellation);
        await UntilLoggedAsync(handle.RunId, EventType.StepRetrying);
        Clock.Advance(TimeSpan.FromSeconds(1));

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => ResultAfterTimerAsync(handle));
        Assert.Equal(RunErrorCodes.UserError, failure.Error.Code);
        Assert.Contains("attempt 2 failed", failure.Error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(StepFailedException), failure.Error.Stack, StringComparison.Ordinal);
        Assert.Equal(2, Probe.Executions($"{handle.RunId}/always-fails"));
    }

    [Fact]
    public async Task A_sleep_suspends_the_run_until_the_clock_reaches_it()
    {
        await StartRuntimeAsync();

        var handle = await Client.StartAsync<SleepWorkflow, double, string>(30, cancellationToken: Cancellation);
        await UntilLoggedAsync(handle.RunId, EventType.WaitCreated);
        Clock.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50, Cancellation);
        Assert.Equal(RunStatus.Running, (await handle.GetRunAsync(Cancellation)).Status);
        Assert.Equal(0, Probe.Executions($"{handle.RunId}/after-sleep"));
        Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("woke", await ResultAfterTimerAsync(handle));
        var log = await ReadLogAsync(handle.RunId);
        var created = log.Single(e => e.EventType == EventType.WaitCreated);
        var completed = log.Single(e => e.EventType == EventType.WaitCompleted);
        Assert.True(completed.CreatedAt - created.CreatedAt >= TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_run_explains_why_it_is_not_running_sleeping_then_no_worker()
    {
        var first = await StartRuntimeAsync();
        var handle = await first.Client.StartAsync<SleepWorkflow, double, string>(60, cancellationToken: Cancellation);
        await UntilLoggedAsync(handle.RunId, EventType.WaitCreated);
        var wake = (await ReadLogAsync(handle.RunId)).Single(e => e.EventType == EventType.WaitCreated).CreatedAt + TimeSpan.FromSeconds(60);

        // Asleep: its invocation is delayed until the wake-up (the handler's redelivery lands a moment after the wait is logged).
        DispatchStatus? sleeping = null;
        await EventuallyAsync(async () => (sleeping = await first.Client.GetDispatchStatusAsync(handle.RunId, Cancellation)).Reason == DispatchReason.Delayed, "the sleeping run is delayed");
        Assert.Equal(wake, sleeping!.Until);

        // No worker serves the queue any more: the wake-up time passes and the run says why it does not move.
        await first.StopAsync();
        Clock.Advance(TimeSpan.FromSeconds(61));
        var stranded = await first.Client.GetDispatchStatusAsync(handle.RunId, Cancellation);
        Assert.Equal(DispatchReason.NoConsumer, stranded.Reason);
        Assert.Equal("no_consumer", stranded.Code);

        // A worker comes back and finishes it; then there is nothing left to dispatch.
        var second = await StartRuntimeAsync();
        Assert.Equal("woke", await ResultAfterTimerAsync(handle));
        await EventuallyAsync(async () => (await second.Client.GetDispatchStatusAsync(handle.RunId, Cancellation)).Reason == DispatchReason.NotFound, "the finished run has no invocation left");
    }

    [Fact]
    public async Task A_ninety_day_sleep_takes_no_real_time()
    {
        await StartRuntimeAsync();

        var handle = await Client.StartAsync<SleepWorkflow, double, string>(TimeSpan.FromDays(90).TotalSeconds, cancellationToken: Cancellation);
        await UntilLoggedAsync(handle.RunId, EventType.WaitCreated);
        Clock.Advance(TimeSpan.FromDays(90));

        Assert.Equal("woke", await ResultAfterTimerAsync(handle));
    }

    [Fact]
    public async Task A_sleep_resumes_when_the_worker_was_down_at_wake_time()
    {
        var first = await StartRuntimeAsync();
        var handle = await first.Client.StartAsync<SleepWorkflow, double, string>(60, cancellationToken: Cancellation);
        await UntilLoggedAsync(handle.RunId, EventType.WaitCreated);
        await first.StopAsync();

        Clock.Advance(TimeSpan.FromHours(5));
        await StartRuntimeAsync();

        Assert.Equal("woke", await ResultAfterTimerAsync(handle));
    }

    [Fact]
    public async Task A_run_created_without_its_message_is_recovered_when_a_worker_starts()
    {
        var input = new JsonWorkflowSerializer().Serialize(new[] { 20, 22 });
        var orphan = await AppendAsync(null, new RunCreated("default", "addition", input));

        await StartRuntimeAsync();

        Assert.Equal(42, await ResultAsync(Client.GetHandle<int>(orphan.Run!.RunId)));
    }

    [Fact]
    public async Task A_cancelled_run_starts_no_further_step_lets_the_running_one_finish_and_frees_its_hooks()
    {
        await StartRuntimeAsync();
        var token = "cancel-" + Guid.NewGuid().ToString("N");
        var handle = await Client.StartAsync<CancellableWorkflow, string, string>(token, cancellationToken: Cancellation);
        await Probe.Signal($"{handle.RunId}/in-flight-started").Task.WaitAsync(Patience, Cancellation);

        await handle.CancelAsync(Cancellation);
        Probe.Signal($"{handle.RunId}/release").TrySetResult();

        await Assert.ThrowsAsync<WorkflowCancelledException>(() => ResultAsync(handle));
        await UntilLoggedAsync(handle.RunId, EventType.StepCompleted);
        await Task.Delay(200, Cancellation);
        Assert.Equal(1, Probe.Executions($"{handle.RunId}/in-flight"));
        Assert.Equal(0, Probe.Executions($"{handle.RunId}/after-cancel"));
        var types = await ReadLogTypesAsync(handle.RunId);
        Assert.Single(types, EventType.StepCreated);
        await Assert.ThrowsAsync<HookNotFoundException>(() => World.Hooks.GetByTokenAsync(token, cancellationToken: Cancellation));
    }

    [Fact]
    public async Task Child_runs_record_lineage_through_three_levels_and_return_results()
    {
        await StartRuntimeAsync();

        var handle = await Client.StartAsync<LineageWorkflow, int, LineageReport>(3, cancellationToken: Cancellation);
        var root = await ResultAsync(handle);

        Assert.Equal(handle.RunId, root.RunId);
        Assert.Null(root.ParentRunId);
        Assert.Null(root.RootRunId);
        var middle = root.Child!;
        Assert.Equal((root.RunId, root.RunId), (middle.ParentRunId, middle.RootRunId));
        var leaf = middle.Child!;
        Assert.Equal((middle.RunId, root.RunId), (leaf.ParentRunId, leaf.RootRunId));
        Assert.Null(leaf.Child);
        var stored = await World.Runs.GetAsync(leaf.RunId, cancellationToken: Cancellation);
        Assert.Equal(middle.RunId, stored.Attributes[LineageAttributes.ParentRunId]);
        Assert.Equal(root.RunId, stored.Attributes[LineageAttributes.RootRunId]);
        Assert.Equal(RunStatus.Completed, stored.Status);
    }

    [Fact]
    public async Task A_failed_child_surfaces_in_the_parent_as_a_catchable_exception()
    {
        await StartRuntimeAsync();

        var handle = await Client.StartAsync<ChildFailureWorkflow, int, string>(0, cancellationToken: Cancellation);
        await EventuallyAsync(
            async () => (await World.Runs.ListAsync(new RunQuery { WorkflowName = "failing-step" }, Cancellation)).Data is [{ } child]
                && (await ReadLogTypesAsync(child.RunId)).Contains(EventType.StepRetrying),
            "the child's first attempt failed");
        Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal($"{RunErrorCodes.ChildFailed}:True", await ResultAfterTimerAsync(handle));
    }

    [Fact]
    public async Task A_child_that_fails_before_running_still_wakes_its_parent()
    {
        // One invocation at a time: the parent has suspended on the child before the child's invocation can run.
        // No worker will ever know the child's workflow: fail it at once instead of waiting for one.
        await StartRuntimeAsync(options =>
        {
            options.Concurrency = 1;
            options.UnregisteredWorkflowTimeout = TimeSpan.Zero;
        });

        var handle = await Client.StartAsync<UnregisteredChildWorkflow, int, string>(1, cancellationToken: Cancellation);

        Assert.Contains("'never-registered' is not registered", await ResultAsync(handle), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_custom_run_id_makes_starting_idempotent()
    {
        await StartRuntimeAsync();
        var runId = WorldIds.NewRunId(Clock.GetUtcNow());

        var first = await Client.StartAsync<AdditionWorkflow, int[], int>([5, 10], new StartWorkflowOptions { RunId = runId }, Cancellation);
        Assert.Equal(15, await ResultAsync(first));
        var again = await Client.StartAsync<AdditionWorkflow, int[], int>([1, 1], new StartWorkflowOptions { RunId = runId }, Cancellation);

        Assert.Equal(runId, first.RunId);
        Assert.Equal(runId, again.RunId);
        Assert.Equal(15, await ResultAsync(again));
        Assert.Equal(1, Probe.Executions($"{runId}/add"));
        var other = await Client.StartAsync<AdditionWorkflow, int[], int>([10, 20], new StartWorkflowOptions { RunId = WorldIds.NewRunId(Clock.GetUtcNow()) }, Cancellation);
        Assert.Equal(30, await ResultAsync(other));
    }

    [Fact]
    public async Task Concurrent_starts_with_one_run_id_start_one_run()
    {
        await StartRuntimeAsync();
        var runId = WorldIds.NewRunId(Clock.GetUtcNow());

        var handles = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => Client.StartAsync<AdditionWorkflow, int[], int>([i, 100], new StartWorkflowOptions { RunId = runId }, Cancellation))));

        Assert.All(handles, h => Assert.Equal(runId, h.RunId));
        var result = await ResultAsync(handles[0]);
        Assert.InRange(result, 100, 107);
        Assert.Equal(1, Probe.Executions($"{runId}/add"));
    }

    [Fact]
    public async Task A_runaway_run_fails_at_the_event_ceiling()
    {
        await StartRuntimeAsync(options => options.MaxEventsPerRun = 10);

        var handle = await Client.StartAsync<RunawayWorkflow, int, int>(0, cancellationToken: Cancellation);

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => ResultAsync(handle));
        Assert.Equal(RunErrorCodes.MaxEventsExceeded, failure.Error.Code);
        Assert.InRange((await ReadLogAsync(handle.RunId)).Count, 10, 14);
    }

    [Fact]
    public async Task Replay_that_asks_for_a_different_step_fails_the_run_with_replay_divergence()
    {
        // The first worker runs the original code until the sleep and stops (draining its invocation); the code
        // then "changes" and a second worker replays the run with it.
        var first = await StartRuntimeAsync();
        var handle = await first.Client.StartAsync<DivergingWorkflow, int, int>(7, cancellationToken: Cancellation);
        await UntilLoggedAsync(handle.RunId, EventType.WaitCreated);
        await first.StopAsync();

        Probe.Flipped = true;
        await StartRuntimeAsync();
        Clock.Advance(TimeSpan.FromMinutes(1));

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => ResultAfterTimerAsync(handle));
        Assert.Equal(RunErrorCodes.ReplayDivergence, failure.Error.Code);
        Assert.Contains("'renamed' instead of 'original'", failure.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_workflow_no_worker_registers_fails_its_run_after_the_unregistered_timeout()
    {
        await StartRuntimeAsync(options => options.UnregisteredWorkflowTimeout = TimeSpan.FromSeconds(30));

        var handle = await Client.StartAsync<int, int>("nobody-registered-this", 1, cancellationToken: Cancellation);
        await UntilLoggedAsync(handle.RunId, EventType.RunStarted);
        Assert.Equal(RunStatus.Running, (await handle.GetRunAsync(Cancellation)).Status);

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => ResultAfterTimerAsync(handle));
        Assert.Equal(RunErrorCodes.RuntimeError, failure.Error.Code);
        Assert.Contains("'nobody-registered-this' is not registered", failure.Error.Message, StringComparison.Ordinal);
        var ended = await handle.GetRunAsync(Cancellation);
        Assert.True(ended.CompletedAt - ended.StartedAt >= TimeSpan.FromSeconds(30), "the run waited the timeout for a worker that knows it");
    }

    [Fact]
    public async Task During_a_rolling_deploy_a_run_of_a_workflow_the_old_worker_lacks_waits_for_a_new_worker()
    {
        // The old version knows every workflow but the addition; it sees the run first and must leave it alone.
        var old = await StartRuntimeAsync(registers: static type => type != typeof(AdditionWorkflow));
        var handle = await old.Client.StartAsync<AdditionWorkflow, int[], int>([20, 22], cancellationToken: Cancellation);
        await UntilLoggedAsync(handle.RunId, EventType.RunStarted);
        Clock.Advance(TimeSpan.FromSeconds(5));
        await Task.Delay(50, Cancellation);
        Assert.Equal(RunStatus.Running, (await handle.GetRunAsync(Cancellation)).Status);

        await StartRuntimeAsync();

        Assert.Equal(42, await ResultAfterTimerAsync(handle));
        Assert.Equal(1, Probe.Executions($"{handle.RunId}/add"));
    }

    [Fact]
    public async Task A_run_whose_worker_dies_on_every_delivery_fails_with_max_deliveries_exceeded()
    {
        // A client process enqueues the run; "workers" take its invocation and die holding it, twice.
        var client = await StartRuntimeAsync(options => options.EnableWorker = false);
        var handle = await client.Client.StartAsync<AdditionWorkflow, int[], int>([1, 2], cancellationToken: Cancellation);
        var queueName = new WorkflowRuntimeOptions().QueueName;
        for (var crash = 1; crash <= 2; crash++)
        {
            var held = await World.Queue.ClaimAsync(new ClaimRequest([queueName], 1, TimeSpan.FromSeconds(30), $"dying-worker-{crash}"), Cancellation);
            Assert.Single(held);
            Clock.Advance(TimeSpan.FromSeconds(31));
        }

        // A worker allowing two failed deliveries: the run has had them, so it ends instead of crashing a third worker.
        await StartRuntimeAsync(options => options.MaxDeliveries = 2);

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => ResultAfterTimerAsync(handle));
        Assert.Equal(RunErrorCodes.MaxDeliveriesExceeded, failure.Error.Code);
        Assert.Equal(0, Probe.Executions($"{handle.RunId}/add"));
        Assert.Empty((await World.Queue.ListDeadLettersAsync(cancellationToken: Cancellation)).Data);
    }

    [Fact]
    public async Task A_dead_lettered_invocation_fails_its_run_when_a_worker_starts()
    {
        // An older version enqueued the invocation with a budget of one attempt, and its worker failed it: the queue
        // dead-lettered it behind the runtime's back, leaving the run without anything to move it.
        var run = await CreateRunAsync("addition", Bytes("[1,2]"));
        var queueName = new WorkflowRuntimeOptions().QueueName;
        await World.Queue.EnqueueAsync(queueName, Bytes(run.RunId), new EnqueueOptions { IdempotencyKey = run.RunId, MaxAttempts = 1 }, Cancellation);
        var held = Assert.Single(await World.Queue.ClaimAsync(new ClaimRequest([queueName], 1, TimeSpan.FromSeconds(30), "old-worker"), Cancellation));
        Assert.Equal(FailureOutcome.DeadLettered, await World.Queue.FailAsync(held.Lease, new QueueFailure(new StructuredError("the old worker crashed"), TimeSpan.Zero), Cancellation));

        var host = await StartRuntimeAsync();

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => ResultAsync(host.Client.GetHandle<int>(run.RunId)));
        Assert.Equal(RunErrorCodes.MaxDeliveriesExceeded, failure.Error.Code);
        Assert.Contains("the old worker crashed", failure.Error.Message, StringComparison.Ordinal);
        // The run is failed first, then its dead letter removed: a crash between the two repeats both harmlessly.
        await EventuallyAsync(async () => (await World.Queue.ListDeadLettersAsync(cancellationToken: Cancellation)).Data.Count == 0, "the dead letter is removed");
        Assert.Equal(0, Probe.Executions($"{run.RunId}/add"));
    }

    [Fact]
    public async Task Workflow_code_that_blocks_is_detected_as_a_deadlock_and_its_run_ends()
    {
        await StartRuntimeAsync(options =>
        {
            options.DeadlockTimeout = TimeSpan.FromMilliseconds(200);
            options.MaxDeliveries = 1;
        });

        var handle = await Client.StartAsync<BlockingWorkflow, int, int>(5, cancellationToken: Cancellation);

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => ResultAfterTimerAsync(handle));
        Assert.Equal(RunErrorCodes.MaxDeliveriesExceeded, failure.Error.Code);
        Assert.Contains("did not yield within 0.2 s", failure.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(EventType.StepCreated, await ReadLogTypesAsync(handle.RunId));
    }

    [Fact]
    public async Task An_exception_thrown_by_workflow_code_on_replay_is_reported_as_itself_not_as_divergence()
    {
        var first = await StartRuntimeAsync();
        var handle = await first.Client.StartAsync<ThrowingOnReplayWorkflow, int, int>(7, cancellationToken: Cancellation);
        await UntilLoggedAsync(handle.RunId, EventType.WaitCreated);
        await first.StopAsync();

        Probe.Flipped = true;
        await StartRuntimeAsync();
        Clock.Advance(TimeSpan.FromMinutes(1));

        var failure = await Assert.ThrowsAsync<WorkflowFailedException>(() => ResultAfterTimerAsync(handle));
        Assert.Equal(RunErrorCodes.UserError, failure.Error.Code);
        Assert.Contains("The new code refuses input 7.", failure.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_workers_share_the_runs_and_each_step_still_runs_once()
    {
        await StartRuntimeAsync();
        await StartRuntimeAsync();

        var handles = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Client.StartAsync<FanOutWorkflow, int[], int[]>([3, 2], cancellationToken: Cancellation)));
        foreach (var handle in handles)
        {
            Assert.Equal(5, (await ResultAsync(handle)).Length);
        }

        Assert.All(Probe.AllExecutions, pair => Assert.Equal(1, pair.Value));
        Assert.Equal(100, Probe.AllExecutions.Count);
    }
}
