namespace World.Testing.Storage;

/// <summary>
/// Races with real parallelism: duplicate creations, concurrent terminal transitions, token contention across runs,
/// and readers paging while writers append (docs/guarantees.md#5-atomicity-uniqueness-and-ordering).
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class ConcurrencyTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    /// <summary>How many racers contend in each test.</summary>
    protected virtual int Racers => 16;

    [Fact]
    public async Task Concurrent_run_created_with_one_id_creates_exactly_one_run()
    {
        var runId = WorldIds.NewRunId(Clock.GetUtcNow());
        var outcomes = await RaceAsync(Racers, i => AppendAsync(runId, new RunCreated("dpl", "wf", Bytes($"{i}"))));
        AssertOneWinner(outcomes);
        Assert.Equal([EventType.RunCreated], await ReadLogTypesAsync(runId));
    }

    [Fact]
    public async Task Resilient_start_racing_run_created_yields_one_run_created()
    {
        var runId = WorldIds.NewRunId(Clock.GetUtcNow());
        var outcomes = await RaceAsync(Racers, i => i % 2 == 0
            ? AppendAsync(runId, new RunCreated("dpl", "wf", Bytes("x")))
            : AppendAsync(runId, new RunStarted { DeploymentId = "dpl", WorkflowName = "wf", Input = Bytes("x") }));

        var log = await ReadLogTypesAsync(runId);
        Assert.Equal(1, log.Count(t => t == EventType.RunCreated));
        Assert.Equal(EventType.RunCreated, log[0]);
        Assert.Equal(1, log.Count(t => t == EventType.RunStarted));
        Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.IsType<EntityConflictException>(o.Error));
        Assert.Equal(RunStatus.Running, (await World.Runs.GetAsync(runId, cancellationToken: Cancellation)).Status);
    }

    [Fact]
    public async Task Concurrent_run_started_appends_one_event()
    {
        var run = await CreateRunAsync();
        var outcomes = await RaceAsync(Racers, _ => AppendAsync(run.RunId, new RunStarted()));
        Assert.All(outcomes, o => Assert.True(o.Succeeded));
        Assert.Single(outcomes, o => o.Value!.Event is not null);
        Assert.Equal([EventType.RunCreated, EventType.RunStarted], await ReadLogTypesAsync(run.RunId));
    }

    [Theory]
    [InlineData("step_created")]
    [InlineData("hook_created")]
    [InlineData("wait_created")]
    public async Task Concurrent_duplicate_creations_yield_one_event_and_typed_conflicts(string type)
    {
        var run = await CreateStartedRunAsync();
        var correlationId = type switch { "step_created" => "step_dup", "hook_created" => "hook_dup", _ => "wait_dup" };
        var outcomes = await RaceAsync(Racers, i => AppendAsync(run.RunId, type switch
        {
            "step_created" => new StepCreated("s", Bytes($"{i}")),
            "hook_created" => new HookCreated("tok_dup"),
            _ => new WaitCreated(Clock.GetUtcNow().AddSeconds(i)),
        }, correlationId));

        AssertOneWinner(outcomes);
        var events = (await World.Events.ListAsync(new EventQuery(run.RunId) { CorrelationId = correlationId }, Cancellation)).Data;
        Assert.Single(events);
    }

    [Theory]
    [InlineData("completed")]
    [InlineData("mixed")]
    public async Task Concurrent_step_terminal_transitions_have_exactly_one_winner(string mode)
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateRunningStepAsync(run.RunId);
        var outcomes = await RaceAsync(Racers * 3, i => AppendAsync(run.RunId, mode == "completed" || i % 2 == 0
            ? new StepCompleted(Bytes($"{i}"))
            : new StepFailed(new StructuredError($"{i}")), step.StepId));

        var winner = AssertOneWinner(outcomes);
        var terminal = (await ReadLogAsync(run.RunId)).Where(e => e.EventType is EventType.StepCompleted or EventType.StepFailed).ToList();
        Assert.Equal(winner.Event!.EventId, Assert.Single(terminal).EventId);
        Assert.Equal(winner.Step!.Status, (await World.Steps.GetAsync(run.RunId, step.StepId, cancellationToken: Cancellation)).Status);
    }

    [Fact]
    public async Task Concurrent_wait_completions_have_exactly_one_winner()
    {
        var run = await CreateStartedRunAsync();
        await AppendAsync(run.RunId, new WaitCreated(Clock.GetUtcNow()), "wait_race");
        var outcomes = await RaceAsync(Racers, _ => AppendAsync(run.RunId, new WaitCompleted(), "wait_race"));
        AssertOneWinner(outcomes);
        Assert.Single(await ReadLogAsync(run.RunId), e => e.EventType == EventType.WaitCompleted);
    }

    [Fact]
    public async Task Concurrent_disposals_dispose_once()
    {
        var run = await CreateStartedRunAsync();
        var hook = await CreateHookAsync(run.RunId);
        var outcomes = await RaceAsync(Racers, _ => AppendAsync(run.RunId, new HookDisposed(), hook.HookId));
        Assert.Single(outcomes, o => o.Succeeded);
        Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.True(o.Error is HookNotFoundException or EntityConflictException, o.Error!.GetType().Name));
        Assert.Single(await ReadLogAsync(run.RunId), e => e.EventType == EventType.HookDisposed);
    }

    [Fact]
    public async Task Concurrent_run_terminal_transitions_have_exactly_one_winner()
    {
        var run = await CreateStartedRunAsync();
        var outcomes = await RaceAsync(Racers, i => AppendAsync(run.RunId, (i % 3) switch
        {
            0 => new RunCompleted(Bytes($"{i}")),
            1 => new RunFailed(new StructuredError($"{i}")),
            _ => new RunCompleted(),
        }));

        var winner = AssertOneWinner(outcomes);
        var log = await ReadLogAsync(run.RunId);
        Assert.Equal(winner.Event!.EventId, log[^1].EventId);
        Assert.Single(log, e => e.EventType is EventType.RunCompleted or EventType.RunFailed);
    }

    [Fact]
    public async Task Concurrent_cancels_all_succeed_and_the_run_ends_once()
    {
        var run = await CreateStartedRunAsync();
        var outcomes = await RaceAsync(Racers, _ => AppendAsync(run.RunId, new RunCancelled()));
        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error?.Message));
        var cancelled = outcomes.Select(o => o.Value!.Run!.CompletedAt).Distinct();
        Assert.Single(cancelled);
        Assert.Equal(Racers, (await ReadLogAsync(run.RunId)).Count(e => e.EventType == EventType.RunCancelled));
    }

    [Fact]
    public async Task Five_runs_racing_for_one_token_give_one_hook_and_four_conflicts()
    {
        var runs = new List<WorkflowRun>();
        for (var i = 0; i < 5; i++)
        {
            runs.Add(await CreateStartedRunAsync());
        }

        var outcomes = await RaceAsync(5, i => AppendAsync(runs[i].RunId, new HookCreated("tok_contended"), $"hook_{i}"));

        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error?.Message));
        var created = outcomes.Where(o => o.Value!.Event!.EventType == EventType.HookCreated).ToList();
        var conflicts = outcomes.Where(o => o.Value!.Event!.EventType == EventType.HookConflict).ToList();
        Assert.Single(created);
        Assert.Equal(4, conflicts.Count);
        var holder = await World.Hooks.GetByTokenAsync("tok_contended", cancellationToken: Cancellation);
        Assert.Equal(created[0].Value!.Hook!.RunId, holder.RunId);
        Assert.All(conflicts, c => Assert.Equal(holder.RunId, ((HookConflict)c.Value!.Event!.Data).ConflictingRunId));
    }

    [Fact]
    public async Task Hook_received_racing_hook_disposed_is_never_ordered_after_the_disposal()
    {
        for (var round = 0; round < 5; round++)
        {
            var run = await CreateStartedRunAsync();
            var hook = await CreateHookAsync(run.RunId);
            var outcomes = await RaceAsync(Racers, i => i == Racers / 2
                ? AppendAsync(run.RunId, new HookDisposed(), hook.HookId)
                : AppendAsync(run.RunId, new HookReceived(Bytes($"{i}")), hook.HookId));

            Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.IsType<HookNotFoundException>(o.Error));
            var log = await ReadLogAsync(run.RunId);
            var disposedAt = log.ToList().FindIndex(e => e.EventType == EventType.HookDisposed);
            Assert.True(disposedAt >= 0);
            Assert.DoesNotContain(log.Skip(disposedAt + 1), e => e.EventType == EventType.HookReceived);
        }
    }

    [Fact]
    public async Task Hook_received_racing_the_run_end_is_never_ordered_after_the_terminal_event()
    {
        var run = await CreateStartedRunAsync();
        var hook = await CreateHookAsync(run.RunId);
        var outcomes = await RaceAsync(Racers, i => i == 0
            ? AppendAsync(run.RunId, new RunCompleted(Bytes("done")))
            : AppendAsync(run.RunId, new HookReceived(Bytes($"{i}")), hook.HookId));

        Assert.True(outcomes[0].Succeeded);
        Assert.All(outcomes.Skip(1).Where(o => !o.Succeeded), o => Assert.IsType<HookNotFoundException>(o.Error));
        Assert.Equal(EventType.RunCompleted, (await ReadLogAsync(run.RunId))[^1].EventType);
    }

    [Fact]
    public async Task Concurrent_step_starts_count_every_attempt()
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateStepAsync(run.RunId);
        var outcomes = await RaceAsync(Racers, _ => AppendAsync(run.RunId, new StepStarted(), step.StepId));
        Assert.All(outcomes, o => Assert.True(o.Succeeded));
        Assert.Equal(Enumerable.Range(1, Racers), outcomes.Select(o => o.Value!.Step!.Attempt).Order());
        Assert.Equal(Racers, (await World.Steps.GetAsync(run.RunId, step.StepId, cancellationToken: Cancellation)).Attempt);
    }

    [Fact]
    public async Task Writers_on_different_runs_do_not_interfere()
    {
        var runs = new List<WorkflowRun>();
        for (var i = 0; i < Racers; i++)
        {
            runs.Add(await CreateStartedRunAsync());
        }

        var outcomes = await RaceAsync(Racers, async i =>
        {
            for (var s = 0; s < 10; s++)
            {
                await CreateStepAsync(runs[i].RunId, $"step_{s}");
            }

            return i;
        });

        Assert.All(outcomes, o => Assert.True(o.Succeeded));
        foreach (var run in runs)
        {
            Assert.Equal(12, (await ReadLogAsync(run.RunId)).Count);
        }
    }

    [Fact]
    public async Task A_reader_paging_during_concurrent_appends_never_misses_an_event()
    {
        var run = await CreateStartedRunAsync();
        var writers = Racers / 2;
        const int perWriter = 40;
        using var stop = new CancellationTokenSource();

        // The reader pages with a cursor while writers append; every event it sees must come in id order with no
        // gap relative to the final log, because a later commit never gets a smaller id.
        var reader = Task.Run(async () =>
        {
            var seen = new List<string>();
            string? cursor = null;
            while (true)
            {
                var done = stop.IsCancellationRequested;
                var page = await World.Events.ListAsync(new EventQuery(run.RunId) { Page = new PageRequest { Cursor = cursor, Limit = 7 } }, Cancellation);
                seen.AddRange(page.Data.Select(e => e.EventId));
                cursor = page.Cursor ?? cursor;
                if (!page.HasMore && done)
                {
                    return seen;
                }
            }
        });

        await RaceAsync(writers, async w =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                await AppendAsync(run.RunId, new AttrSet([new AttributeChange($"w{w}", $"{i}")], new AttributeWriter("step", $"step_{w}", i)));
            }

            return w;
        });
        await stop.CancelAsync();

        var seen = await reader;
        var log = (await ReadLogAsync(run.RunId)).Select(e => e.EventId).ToList();
        Assert.Equal(2 + (writers * perWriter), log.Count);
        Assert.Equal(log, seen);
    }

    /// <summary>Asserts one success and only typed conflicts among the rest; returns the winner's result.</summary>
    protected static EventResult AssertOneWinner(IReadOnlyList<Outcome<EventResult>> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var winners = outcomes.Where(o => o.Succeeded).ToList();
        Assert.Single(winners);
        Assert.All(outcomes.Where(o => !o.Succeeded), o =>
        {
            var conflict = Assert.IsType<EntityConflictException>(o.Error);
            Assert.Equal(409, conflict.Status);
        });
        return winners[0].Value!;
    }
}
