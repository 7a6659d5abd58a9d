using System.Globalization;

namespace World.Postgres.Tests.Equivalence;

/// <summary>
/// Random sequences of event writes (valid, invalid and out of order) thrown at both backends with a fixed seed: the
/// outcomes must agree operation by operation, and each run's log must fold to the projections the World returns.
/// CI runs <see cref="DefaultOperations"/> operations with <see cref="DefaultSeed"/>; a longer run:
/// <c>WORLD_FUZZ_OPERATIONS=20000 WORLD_FUZZ_SEED=7 dotnet test tests/World.Postgres.Tests --filter BackendFuzzTests</c>.
/// </summary>
public sealed class BackendFuzzTests(PostgresFixture postgres)
{
    private const int DefaultSeed = 20260115;
    private const int DefaultOperations = 600;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Random_operation_sequences_agree_on_both_backends_and_logs_fold_to_projections()
    {
        var seed = Setting("WORLD_FUZZ_SEED", DefaultSeed);
        var count = Setting("WORLD_FUZZ_OPERATIONS", DefaultOperations);
        var random = new Random(seed);
        await using var pair = await WorldPair.CreateAsync(postgres, Cancellation);
        var runs = Enumerable.Range(0, 4).Select(_ => WorldIds.New(IdPrefixes.Run, WorldPair.Start)).ToArray();
        string[] steps = ["step_a", "step_b", "step_c"];
        string[] hooks = ["hook_a", "hook_b"];
        string[] tokens = ["tok-a", "tok-b", "tok-\0", "tok-\uD800"];

        for (var i = 0; i < count; i++)
        {
            var run = runs[random.Next(runs.Length)];
            var step = steps[random.Next(steps.Length)];
            var hook = hooks[random.Next(hooks.Length)];
            var token = tokens[random.Next(tokens.Length)];
            byte[] payload = [(byte)random.Next(256), 0];
            var choice = random.Next(17);
            if (choice == 16)
            {
                pair.Advance(TimeSpan.FromSeconds(random.Next(1, 90)));
                continue;
            }

            (string? RunId, EventRequest Request) write = choice switch
            {
                0 => (run, new EventRequest(new RunCreated("dpl", random.Next(3) == 0 ? "wf\0" : "wf", payload))),
                1 => (run, new EventRequest(new RunStarted())),
                2 => (run, new EventRequest(new RunStarted { DeploymentId = "dpl", WorkflowName = "wf", Input = payload })),
                3 => (run, new EventRequest(new RunCompleted(payload))),
                4 => (run, new EventRequest(new RunFailed(new StructuredError(random.Next(4) == 0 ? "\uDC00" : "boom")))),
                5 => (run, new EventRequest(new RunCancelled())),
                6 => (run, new EventRequest(new StepCreated("s", payload), step)),
                7 => (run, new EventRequest(new StepStarted(), step)),
                8 => (run, new EventRequest(new StepStarted { StepName = "s", Input = payload }, step)),
                9 => (run, new EventRequest(new StepCompleted(payload), step)),
                10 => (run, new EventRequest(new StepFailed(new StructuredError("x")), step)),
                11 => (run, new EventRequest(new StepRetrying(new StructuredError("x")) { RetryAfter = WorldPair.Start + TimeSpan.FromSeconds(random.Next(0, 600)) }, step)),
                12 => (run, new EventRequest(new HookCreated(token), hook)),
                13 => (run, new EventRequest(new HookReceived(payload), hook)),
                14 => (run, new EventRequest(new HookDisposed(), hook)),
                _ => (run, new EventRequest(new AttrSet([new AttributeChange("k" + random.Next(3).ToString(CultureInfo.InvariantCulture), random.Next(3) == 0 ? null : "v")], AttributeWriter.Workflow))),
            };

            var (memory, database) = await pair.RunAsync(w => Box(w.Events.CreateAsync(write.RunId, write.Request, cancellationToken: Cancellation)));
            Assert.True(memory == database, $"seed {seed}, operation {i} ({write.Request.EventType.ToWireName()} {write.Request.CorrelationId}):\n  in-memory:  {memory}\n  PostgreSQL: {database}");
            Assert.DoesNotContain("ESCAPED", memory, StringComparison.Ordinal);
        }

        foreach (var world in new[] { pair.Memory, pair.Postgres })
        {
            foreach (var run in runs)
            {
                await AssertLogFoldsToProjectionsAsync(world, run, seed);
            }
        }
    }

    /// <summary>Replays a run's log into statuses and attempts and compares them with the stored projections.</summary>
    private static async Task AssertLogFoldsToProjectionsAsync(IWorld world, string runId, int seed)
    {
        var log = (await world.Events.ListAsync(new EventQuery(runId) { Page = new PageRequest { Limit = PageRequest.MaxLimit } }, Cancellation)).Data;
        if (log.Count == 0)
        {
            await Assert.ThrowsAsync<RunNotFoundException>(() => world.Runs.GetAsync(runId, cancellationToken: Cancellation));
            return;
        }

        RunStatus? status = null;
        var stepStates = new Dictionary<string, (StepStatus Status, int Attempt)>(StringComparer.Ordinal);
        var liveHooks = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in log)
        {
            var id = e.CorrelationId;
            switch (e.Data)
            {
                case RunCreated: status = RunStatus.Pending; break;
                case RunStarted: status = RunStatus.Running; break;
                case RunCompleted: status = RunStatus.Completed; liveHooks.Clear(); break;
                case RunFailed: status = RunStatus.Failed; liveHooks.Clear(); break;
                case RunCancelled: status = RunStatus.Cancelled; liveHooks.Clear(); break;
                case StepCreated: stepStates[id!] = (StepStatus.Pending, 0); break;
                case StepStarted: stepStates[id!] = (StepStatus.Running, stepStates[id!].Attempt + 1); break;
                case StepCompleted: stepStates[id!] = (StepStatus.Completed, stepStates[id!].Attempt); break;
                case StepFailed: stepStates[id!] = (StepStatus.Failed, stepStates[id!].Attempt); break;
                case StepRetrying: stepStates[id!] = (StepStatus.Pending, stepStates[id!].Attempt); break;
                case HookCreated: liveHooks.Add(id!); break;
                case HookDisposed: liveHooks.Remove(id!); break;
            }
        }

        Assert.True(status == (await world.Runs.GetAsync(runId, cancellationToken: Cancellation)).Status, $"seed {seed}: run {runId} status");
        var stored = (await world.Steps.ListAsync(new StepQuery(runId) { Page = new PageRequest { Limit = PageRequest.MaxLimit } }, Cancellation)).Data;
        Assert.Equal(
            stepStates.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.Status, p.Value.Attempt)),
            stored.OrderBy(s => s.StepId, StringComparer.Ordinal).Select(s => (s.StepId, s.Status, s.Attempt)));
        var hooks = (await world.Hooks.ListAsync(new HookQuery { RunId = runId, Page = new PageRequest { Limit = PageRequest.MaxLimit } }, Cancellation)).Data;
        Assert.Equal(liveHooks.Order(StringComparer.Ordinal), hooks.Select(h => h.HookId).Order(StringComparer.Ordinal));
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static async Task<object?> Box<T>(Task<T> task) => await task;
}
