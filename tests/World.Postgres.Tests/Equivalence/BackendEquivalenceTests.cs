using System.Text;

namespace World.Postgres.Tests.Equivalence;

/// <summary>
/// One scripted list of operations, accepted and rejected, run on the in-memory and the PostgreSQL World: every
/// outcome must be the same. No operation may let a non-<see cref="WorldException"/> escape
/// (docs/guarantees.md#2a-input-validation-one-table-for-every-entry-point, exception policy).
/// </summary>
public sealed class BackendEquivalenceTests(PostgresFixture postgres)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_script_of_about_a_hundred_operations_has_the_same_outcome_on_both_backends()
    {
        await using var pair = await WorldPair.CreateAsync(postgres, Cancellation);
        var script = Script();
        Assert.InRange(script.Count, 100, 200);
        var differences = new List<string>();
        var escaped = new List<string>();
        foreach (var (label, operation) in script)
        {
            if (operation is null)
            {
                pair.Advance(TimeSpan.FromMinutes(2));
                continue;
            }

            var (memory, database) = await pair.RunAsync(operation);
            if (memory != database)
            {
                differences.Add($"{label}:\n  in-memory:  {memory}\n  PostgreSQL: {database}");
            }

            if (memory.StartsWith("ESCAPED", StringComparison.Ordinal) || database.StartsWith("ESCAPED", StringComparison.Ordinal))
            {
                escaped.Add($"{label}: {memory} / {database}");
            }
        }

        Assert.True(differences.Count == 0, string.Join('\n', differences));
        Assert.True(escaped.Count == 0, string.Join('\n', escaped));
    }

    /// <summary>The script: labelled operations; a null operation advances both clocks by two minutes.</summary>
    private static List<(string Label, Func<IWorld, Task<object?>>? Operation)> Script()
    {
        var now = WorldPair.Start;
        var run = WorldIds.New(IdPrefixes.Run, now);
        var other = WorldIds.New(IdPrefixes.Run, now);
        var resilient = WorldIds.New(IdPrefixes.Run, now);
        var old = WorldIds.New(IdPrefixes.Run, now - TimeSpan.FromHours(25));
        var future = WorldIds.New(IdPrefixes.Run, now + TimeSpan.FromMinutes(10));
        const string step = "step_01ARZ3NDEKTSV4RRFFQ69G5FA1";
        const string step2 = "step_01ARZ3NDEKTSV4RRFFQ69G5FA2";
        const string lazy = "step_01ARZ3NDEKTSV4RRFFQ69G5FA3";
        const string hook = "hook_01ARZ3NDEKTSV4RRFFQ69G5FA1";
        const string hook2 = "hook_01ARZ3NDEKTSV4RRFFQ69G5FA2";
        const string wait = "wait_01ARZ3NDEKTSV4RRFFQ69G5FA1";
        var longName = new string('€', 341) + "a";
        var tooLong = longName + "b";
        byte[] binary = [0, 0xFF, 0, 0xC3, 0x28];
        var ops = new List<(string, Func<IWorld, Task<object?>>?)>();
        void Op(string label, Func<IWorld, Task<object?>> operation) => ops.Add((label, operation));
        Task<object?> Create(IWorld w, string? runId, EventData data, string? correlationId = null) =>
            Box(w.Events.CreateAsync(runId, new EventRequest(data, correlationId), new CreateEventOptions { ResolveData = ResolveData.All }, Cancellation));

        // Runs: creation, ids, names.
        Op("create run", w => Create(w, run, new RunCreated("dpl", "wf", binary) { Attributes = new Dictionary<string, string> { ["k"] = "v" } }));
        Op("create run again", w => Create(w, run, new RunCreated("dpl", "wf", binary)));
        Op("create other", w => Create(w, other, new RunCreated("dpl", longName, Encoding.UTF8.GetBytes("[]"))));
        Op("create old id", w => Create(w, old, new RunCreated("dpl", "wf", binary)));
        Op("create future id", w => Create(w, future, new RunCreated("dpl", "wf", binary)));
        Op("create not a ulid", w => Create(w, "wrun_ZZZZZZZZZZZZZZZZZZZZZZZZZZ", new RunCreated("dpl", "wf", binary)));
        Op("create step id as run", w => Create(w, "step_01ARZ3NDEKTSV4RRFFQ69G5FAV", new RunCreated("dpl", "wf", binary)));
        Op("create unsafe id", w => Create(w, "wrun_a/b", new RunCreated("dpl", "wf", binary)));
        Op("create too long name", w => Create(w, null, new RunCreated("dpl", tooLong, binary)));
        Op("create lone surrogate", w => Create(w, null, new RunCreated("dpl", "a\uD800", binary)));
        Op("create NUL name", w => Create(w, null, new RunCreated("dpl", "a\0", binary)));
        Op("create no input", w => Create(w, null, new RunCreated("dpl", "wf", null)));
        Op("create spec 1", w => Box(w.Events.CreateAsync(null, new EventRequest(new RunCreated("dpl", "wf", binary)) { SpecVersion = 1 }, cancellationToken: Cancellation)));
        Op("create reserved attr", w => Create(w, null, new RunCreated("dpl", "wf", binary) { Attributes = new Dictionary<string, string> { ["$x"] = "v" } }));
        Op("create big attr", w => Create(w, null, new RunCreated("dpl", "wf", binary) { Attributes = new Dictionary<string, string> { ["k"] = new string('é', 129) } }));
        Op("resilient old id", w => Create(w, old, new RunStarted { DeploymentId = "d", WorkflowName = "wf", Input = binary }));
        Op("resilient future id", w => Create(w, future, new RunStarted { DeploymentId = "d", WorkflowName = "wf", Input = binary }));
        Op("resilient bad id", w => Create(w, "wrun_nope", new RunStarted { DeploymentId = "d", WorkflowName = "wf", Input = binary }));
        Op("resilient start", w => Create(w, resilient, new RunStarted { DeploymentId = "d", WorkflowName = "wf", Input = binary }));
        Op("start missing", w => Create(w, WorldIds.New(IdPrefixes.Run, now), new RunStarted()));
        Op("batch with a bad entry", w => Box(w.Events.CreateRunsAsync([new RunCreationRequest(new RunCreated("d", "wf", binary)), new RunCreationRequest(new RunCreated("d", "\uDC00", binary))], cancellationToken: Cancellation)));
        Op("batch with a taken id", w => Box(w.Events.CreateRunsAsync([new RunCreationRequest(new RunCreated("d", "batch", binary)) { RunId = run }], cancellationToken: Cancellation)));
        Op("start run", w => Create(w, run, new RunStarted()));
        Op("start run again", w => Create(w, run, new RunStarted()));
        Op("attr set", w => Create(w, run, new AttrSet([new AttributeChange("k", null), new AttributeChange("n", "😀")], AttributeWriter.Workflow)));
        Op("attr set NUL value", w => Create(w, run, new AttrSet([new AttributeChange("k", "\0")], AttributeWriter.Workflow)));
        Op("attr set empty", w => Create(w, run, new AttrSet([], AttributeWriter.Workflow)));
        Op("attr set duplicate key", w => Create(w, run, new AttrSet([new AttributeChange("a", "1"), new AttributeChange("a", "2")], AttributeWriter.Workflow)));
        Op("run event with correlation", w => Create(w, run, new RunStarted(), step));

        // Steps.
        Op("step created", w => Create(w, run, new StepCreated("charge", binary), step));
        Op("step created again", w => Create(w, run, new StepCreated("charge", binary), step));
        Op("step without correlation", w => Create(w, run, new StepCreated("charge", binary)));
        Op("step bad name", w => Create(w, run, new StepCreated("a\u0001", binary), step2));
        Op("step long name", w => Create(w, run, new StepCreated(longName, binary), step2));
        Op("step started", w => Create(w, run, new StepStarted(), step));
        Op("step retrying", w => Create(w, run, new StepRetrying(new StructuredError("later")) { RetryAfter = now + TimeSpan.FromMinutes(1) }, step));
        Op("step started too early", w => Create(w, run, new StepStarted(), step));
        Op(nameof(WorldPair.Advance), null!);
        Op("step started after wait", w => Create(w, run, new StepStarted(), step));
        Op("step completed", w => Create(w, run, new StepCompleted(binary), step));
        Op("step completed again", w => Create(w, run, new StepCompleted(binary), step));
        Op("step failed after completed", w => Create(w, run, new StepFailed(new StructuredError("x")), step));
        Op("step missing", w => Create(w, run, new StepStarted(), "step_missing"));
        Op("lazy start", w => Create(w, run, new StepStarted { StepName = "lazy", Input = binary }, lazy));
        Op("lazy start again", w => Create(w, run, new StepStarted { StepName = "lazy", Input = binary }, lazy));
        Op("step failed surrogate error", w => Create(w, run, new StepFailed(new StructuredError("\uD800")), lazy));
        Op("step failed NUL error", w => Create(w, run, new StepFailed(new StructuredError("a\0b")), lazy));
        Op("step completed after fail", w => Create(w, run, new StepCompleted(binary), lazy));

        // Hooks and waits.
        Op("hook created", w => Create(w, run, new HookCreated("tok-1", binary), hook));
        Op("hook same token", w => Create(w, other, new HookCreated("tok-1"), hook2));
        Op("hook created again", w => Create(w, run, new HookCreated("tok-2"), hook));
        Op("hook NUL token", w => Create(w, run, new HookCreated("t\0k"), hook2));
        Op("hook long token", w => Create(w, run, new HookCreated(longName), hook2));
        Op("hook received", w => Create(w, run, new HookReceived(binary), hook));
        Op("hook received missing", w => Create(w, run, new HookReceived(binary), "hook_missing"));
        Op("hook conflict by caller", w => Create(w, run, new HookConflict("t", other), hook2));
        Op("get hook by token", w => Box(w.Hooks.GetByTokenAsync("tok-1", cancellationToken: Cancellation)));
        Op("get hook by long token", w => Box(w.Hooks.GetByTokenAsync(longName, cancellationToken: Cancellation)));
        Op("get hook by NUL token", w => Box(w.Hooks.GetByTokenAsync("t\0", cancellationToken: Cancellation)));
        Op("get hook missing", w => Box(w.Hooks.GetByTokenAsync("nope", cancellationToken: Cancellation)));
        Op("wait created", w => Create(w, run, new WaitCreated(now + TimeSpan.FromHours(1)), wait));
        Op("wait completed", w => Create(w, run, new WaitCompleted(), wait));
        Op("wait completed again", w => Create(w, run, new WaitCompleted(), wait));
        Op("wait missing", w => Create(w, run, new WaitCompleted(), "wait_missing"));

        // Reads.
        Op("get run", w => Box(w.Runs.GetAsync(run, cancellationToken: Cancellation)));
        Op("get run without data", w => Box(w.Runs.GetAsync(run, ReadOptions.WithoutData, Cancellation)));
        Op("get run bad resolve", w => Box(w.Runs.GetAsync(run, new ReadOptions { ResolveData = (ResolveData)5 }, Cancellation)));
        Op("get many", w => Box(w.Runs.GetManyAsync([run, "wrun_missing", other], cancellationToken: Cancellation)));
        Op("get many bad", w => Box(w.Runs.GetManyAsync([run, "a b"], cancellationToken: Cancellation)));
        Op("list runs by long name", w => Box(w.Runs.ListAsync(new RunQuery { WorkflowName = longName }, Cancellation)));
        Op("list runs by NUL name", w => Box(w.Runs.ListAsync(new RunQuery { WorkflowName = "\0" }, Cancellation)));
        Op("list runs bad status", w => Box(w.Runs.ListAsync(new RunQuery { Statuses = [(RunStatus)42] }, Cancellation)));
        Op("list runs no status", w => Box(w.Runs.ListAsync(new RunQuery { Statuses = [] }, Cancellation)));
        Op("list runs limit 0", w => Box(w.Runs.ListAsync(new RunQuery { Page = new PageRequest { Limit = 0 } }, Cancellation)));
        Op("list runs garbage cursor", w => Box(w.Runs.ListAsync(new RunQuery { Page = new PageRequest { Cursor = "garbage" } }, Cancellation)));
        Op("list events", w => Box(w.Events.ListAsync(new EventQuery(run) { Page = new PageRequest { Limit = 1000 } }, Cancellation)));
        Op("list events by correlation", w => Box(w.Events.ListAsync(new EventQuery(run) { CorrelationId = step }, Cancellation)));
        Op("list events descending", w => Box(w.Events.ListAsync(new EventQuery(run) { Page = new PageRequest { SortOrder = SortOrder.Descending, Limit = 3 } }, Cancellation)));
        Op("list events bad order", w => Box(w.Events.ListAsync(new EventQuery(run) { Page = new PageRequest { SortOrder = (SortOrder)3 } }, Cancellation)));
        Op("events cursor from steps", async w =>
        {
            var cursor = (await w.Steps.ListAsync(new StepQuery(run) { Page = new PageRequest { Limit = 1 } }, Cancellation)).Cursor;
            return await w.Events.ListAsync(new EventQuery(run) { Page = new PageRequest { Cursor = cursor } }, Cancellation);
        });
        Op("events cursor from another run", async w =>
        {
            var cursor = (await w.Events.ListAsync(new EventQuery(run) { Page = new PageRequest { Limit = 1 } }, Cancellation)).Cursor;
            return await w.Events.ListAsync(new EventQuery(other) { Page = new PageRequest { Cursor = cursor } }, Cancellation);
        });
        Op("events cursor truncated", async w =>
        {
            var cursor = (await w.Events.ListAsync(new EventQuery(run) { Page = new PageRequest { Limit = 1 } }, Cancellation)).Cursor!;
            return await w.Events.ListAsync(new EventQuery(run) { Page = new PageRequest { Cursor = cursor[..^3] } }, Cancellation);
        });
        Op("events paged", async w =>
        {
            var first = await w.Events.ListAsync(new EventQuery(run) { Page = new PageRequest { Limit = 2 } }, Cancellation);
            return await w.Events.ListAsync(new EventQuery(run) { Page = new PageRequest { Limit = 2, Cursor = first.Cursor } }, Cancellation);
        });
        Op("list steps", w => Box(w.Steps.ListAsync(new StepQuery(run), Cancellation)));
        Op("get step", w => Box(w.Steps.GetAsync(run, step, cancellationToken: Cancellation)));
        Op("get step missing", w => Box(w.Steps.GetAsync(run, "step_missing", cancellationToken: Cancellation)));
        Op("list hooks", w => Box(w.Hooks.ListAsync(new HookQuery { RunId = run }, Cancellation)));
        Op("get event missing", w => Box(w.Events.GetAsync(run, "evnt_missing", cancellationToken: Cancellation)));
        Op("get event run missing", w => Box(w.Events.GetAsync("wrun_missing", "evnt_missing", cancellationToken: Cancellation)));
        Op("wait terminal negative", w => Box(w.Runs.WaitForTerminalStatusAsync(run, TimeSpan.FromSeconds(-1), cancellationToken: Cancellation)));
        Op("wait terminal zero", w => Box(w.Runs.WaitForTerminalStatusAsync(run, TimeSpan.Zero, cancellationToken: Cancellation)));

        // Queue.
        Op("enqueue", w => Box(w.Queue.EnqueueAsync("q", Encoding.UTF8.GetBytes("one"), new EnqueueOptions { IdempotencyKey = "k" }, Cancellation)));
        Op("enqueue duplicate", w => Box(w.Queue.EnqueueAsync("q", Encoding.UTF8.GetBytes("two"), new EnqueueOptions { IdempotencyKey = "k" }, Cancellation)));
        // Messages minted in the same millisecond have no defined order (ULID randomness): move the clock between them.
        Op(nameof(WorldPair.Advance), null!);
        Op("enqueue long names", w => Box(w.Queue.EnqueueAsync(longName, Encoding.UTF8.GetBytes("long"), new EnqueueOptions { IdempotencyKey = longName }, Cancellation)));
        Op("enqueue NUL key", w => Box(w.Queue.EnqueueAsync("q", binary, new EnqueueOptions { IdempotencyKey = "\0" }, Cancellation)));
        Op("enqueue surrogate queue", w => Box(w.Queue.EnqueueAsync("\uD800", binary, cancellationToken: Cancellation)));
        Op("enqueue NUL header", w => Box(w.Queue.EnqueueAsync("q", binary, new EnqueueOptions { Headers = new Dictionary<string, string> { ["h"] = "\0" } }, Cancellation)));
        Op("enqueue negative delay", w => Box(w.Queue.EnqueueAsync("q", binary, new EnqueueOptions { Delay = TimeSpan.FromSeconds(-1) }, Cancellation)));
        Op("enqueue zero attempts", w => Box(w.Queue.EnqueueAsync("q", binary, new EnqueueOptions { MaxAttempts = 0 }, Cancellation)));
        Op("enqueue coalesce without key", w => Box(w.Queue.EnqueueAsync("q", binary, new EnqueueOptions { Coalesce = true }, Cancellation)));
        Op(nameof(WorldPair.Advance), null!);
        Op("batch enqueue", w => Box(w.Queue.EnqueueBatchAsync("q", [new EnqueueRequest(Encoding.UTF8.GetBytes("b1")), new EnqueueRequest(Encoding.UTF8.GetBytes("b2"), new EnqueueOptions { IdempotencyKey = "k" })], Cancellation)));
        Op("batch enqueue bad entry", w => Box(w.Queue.EnqueueBatchAsync("q", [new EnqueueRequest(binary), new EnqueueRequest(binary, new EnqueueOptions { MaxAttempts = -1 })], Cancellation)));
        Op("batch enqueue empty", w => Box(w.Queue.EnqueueBatchAsync("q", [], Cancellation)));
        Op("claim bad owner", w => Box(w.Queue.ClaimAsync(new ClaimRequest(["q"], 5, TimeSpan.FromMinutes(1), "o\0"), Cancellation)));
        Op("claim zero", w => Box(w.Queue.ClaimAsync(new ClaimRequest(["q"], 0, TimeSpan.FromMinutes(1), "o"), Cancellation)));
        Op("claim no queues", w => Box(w.Queue.ClaimAsync(new ClaimRequest([], 1, TimeSpan.FromMinutes(1), "o"), Cancellation)));
        Op("claim", w => Box(w.Queue.ClaimAsync(new ClaimRequest(["q", longName], 10, TimeSpan.FromMinutes(1), "o"), Cancellation)));
        Op(nameof(WorldPair.Advance), null!);
        Op("claim after expiry", w => Box(w.Queue.ClaimAsync(new ClaimRequest(["q"], 10, TimeSpan.FromMinutes(1), "o"), Cancellation)));
        Op("list dead letters NUL queue", w => Box(w.Queue.ListDeadLettersAsync(new DeadLetterQuery { QueueName = "\0" }, Cancellation)));
        Op("list dead letters", w => Box(w.Queue.ListDeadLettersAsync(cancellationToken: Cancellation)));
        Op("purge bad ids", w => Box(w.Queue.PurgeDeadLettersAsync(messageIds: ["a b"], cancellationToken: Cancellation)));
        Op("purge none", w => Box(w.Queue.PurgeDeadLettersAsync("q", cancellationToken: Cancellation)));
        Op("replay missing", async w => { await w.Queue.ReplayDeadLetterAsync("msg_missing", Cancellation); return null; });
        Op("wait negative", async w => { await w.Queue.WaitForMessagesAsync(["q"], TimeSpan.FromSeconds(-1), Cancellation); return null; });

        // Streams.
        Op("write stream", async w => { await w.Streams.WriteManyAsync(run, "out", [binary, Array.Empty<byte>()], Cancellation); return null; });
        Op("write long stream name", async w => { await w.Streams.WriteAsync(run, longName, binary, Cancellation); return null; });
        Op("write NUL stream name", async w => { await w.Streams.WriteAsync(run, "a\0", binary, Cancellation); return null; });
        Op("write empty", async w => { await w.Streams.WriteManyAsync(run, "empty", [], Cancellation); return null; });
        Op("close stream", async w => { await w.Streams.CloseAsync(run, "out", Cancellation); return null; });
        Op("write after close", async w => { await w.Streams.WriteAsync(run, "out", binary, Cancellation); return null; });
        Op("write empty after close", async w => { await w.Streams.WriteManyAsync(run, "out", [], Cancellation); return null; });
        Op("stream info", async w => (await w.Streams.GetInfoAsync(run, "out", Cancellation)).ToString());
        Op("stream list", w => Box(w.Streams.ListAsync(run, Cancellation)));
        Op("stream chunks", async w => string.Join(',', (await w.Streams.GetChunksAsync(run, "out", cancellationToken: Cancellation)).Data.Select(c => $"{c.Index}:{Convert.ToHexString(c.Data.Span)}")));
        Op("stream chunks foreign cursor", async w =>
        {
            var cursor = (await w.Events.ListAsync(new EventQuery(run) { Page = new PageRequest { Limit = 1 } }, Cancellation)).Cursor;
            return await w.Streams.GetChunksAsync(run, "out", new PageRequest { Cursor = cursor }, Cancellation);
        });

        // The end of a run, and what may still happen after it.
        Op("step2 created", w => Create(w, run, new StepCreated("ship", binary), step2));
        Op("step2 started", w => Create(w, run, new StepStarted(), step2));
        Op("cancel with long reason", w => Create(w, run, new RunCancelled(new string('x', 513))));
        Op("cancel", w => Create(w, run, new RunCancelled("stop")));
        Op("cancel again", w => Create(w, run, new RunCancelled()));
        Op("complete after cancel", w => Create(w, run, new RunCompleted(binary)));
        Op("start after cancel", w => Create(w, run, new RunStarted()));
        Op("retry running step after cancel", w => Create(w, run, new StepRetrying(new StructuredError("x")), step2));
        Op("restart running step after cancel", w => Create(w, run, new StepStarted(), step2));
        Op("new step after cancel", w => Create(w, run, new StepCreated("late", binary), "step_late"));
        Op("lazy step after cancel", w => Create(w, run, new StepStarted { StepName = "late", Input = binary }, "step_late"));
        Op("hook after cancel", w => Create(w, run, new HookCreated("tok-3"), "hook_late"));
        Op("hook received after cancel", w => Create(w, run, new HookReceived(binary), hook));
        Op("attr after cancel", w => Create(w, run, new AttrSet([new AttributeChange("a", "b")], AttributeWriter.Workflow)));
        Op("finish running step after cancel", w => Create(w, run, new StepCompleted(binary), step2));
        Op("token free after end", w => Create(w, other, new HookCreated("tok-1"), "hook_reuse"));
        Op("final log", w => Box(w.Events.ListAsync(new EventQuery(run) { Page = new PageRequest { Limit = 1000 } }, Cancellation)));
        Op("final runs", w => Box(w.Runs.ListAsync(new RunQuery { Page = new PageRequest { Limit = 1000 } }, Cancellation)));
        return ops;
    }

    private static async Task<object?> Box<T>(Task<T> task) => await task;
}
