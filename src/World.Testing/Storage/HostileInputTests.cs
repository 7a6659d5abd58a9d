using World.Backends;

namespace World.Testing.Storage;

/// <summary>
/// Input a hostile or careless caller sends: strings without a UTF-8 form, NUL and control characters, SQL-looking
/// text, names at the byte limit made of multi-byte characters, foreign and altered cursors, values out of range, and
/// buffers mutated after the call. Every rejection is a typed <see cref="WorldException"/> naming the field, nothing is
/// written, and every accepted value reads back exactly as written
/// (docs/guarantees.md#2a-input-validation-one-table-for-every-entry-point).
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class HostileInputTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    /// <summary>
    /// Strings that are valid .NET strings but have no UTF-8 form, or that PostgreSQL text refuses. Theories take an
    /// index into this list: a test runner serializing the strings themselves could repair the lone surrogates.
    /// </summary>
    protected static readonly string[] HostileNameValues =
    [
        "lone\uD800high",
        "lone\uDC00low",
        "\uDC00\uD800reversed",
        "ends with high \uD83D",
        "nul\0inside",
        "bell\u0007",
        "newline\nname",
    ];

    /// <summary>Free text without a UTF-8 form or with NUL.</summary>
    protected static readonly string[] HostileTextValues = ["lone\uD800high", "\uDC00", "nul\0inside"];

    /// <summary>Indexes into <see cref="HostileNameValues"/>.</summary>
    public static TheoryData<int> HostileNames() => [.. Enumerable.Range(0, HostileNameValues.Length)];

    /// <summary>Indexes into <see cref="HostileTextValues"/>.</summary>
    public static TheoryData<int> HostileTexts() => [.. Enumerable.Range(0, HostileTextValues.Length)];

    /// <summary>1024 UTF-8 bytes of three-byte characters plus one ASCII byte: the longest name, multi-byte.</summary>
    protected static readonly string MaxThreeByteName = new string('€', 341) + "a";

    /// <summary>1024 UTF-8 bytes of four-byte characters (surrogate pairs).</summary>
    protected static readonly string MaxFourByteName = string.Concat(Enumerable.Repeat("😀", 256));

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task Hostile_names_are_rejected_naming_the_field_everywhere_a_name_enters(int index)
    {
        var name = HostileNameValues[index];
        await AssertRejected("workflowName", () => AppendAsync(null, new RunCreated("dpl", name, Bytes("[]"))));
        await AssertRejected("deploymentId", () => AppendAsync(null, new RunCreated(name, "wf", Bytes("[]"))));
        await AssertRejected("runs[1].workflowName", () => World.Events.CreateRunsAsync(
            [new RunCreationRequest(new RunCreated("dpl", "wf", Bytes("[]"))), new RunCreationRequest(new RunCreated("dpl", name, Bytes("[]")))],
            cancellationToken: Cancellation));
        var run = await CreateStartedRunAsync();
        await AssertRejected("stepName", () => AppendAsync(run.RunId, new StepCreated(name, Bytes("x")), NewId(IdPrefixes.Step)));
        await AssertRejected("stepName", () => AppendAsync(run.RunId, new StepStarted { StepName = name, Input = Bytes("x") }, NewId(IdPrefixes.Step)));
        await AssertRejected("token", () => AppendAsync(run.RunId, new HookCreated(name), NewId(IdPrefixes.Hook)));
        await AssertRejected("workflowName", () => World.Runs.ListAsync(new RunQuery { WorkflowName = name }, Cancellation));
        await AssertRejected("token", () => World.Hooks.GetByTokenAsync(name, cancellationToken: Cancellation));
        await AssertRejected("queueName", () => World.Queue.EnqueueAsync(name, Bytes("p"), cancellationToken: Cancellation));
        await AssertRejected("queueName", () => World.Queue.EnqueueBatchAsync(name, [new EnqueueRequest(Bytes("p"))], Cancellation));
        await AssertRejected("idempotencyKey", () => World.Queue.EnqueueAsync("q", Bytes("p"), new EnqueueOptions { IdempotencyKey = name }, Cancellation));
        await AssertRejected("queueNames", () => World.Queue.ClaimAsync(new ClaimRequest([name], 1, TimeSpan.FromMinutes(1), "owner"), Cancellation));
        await AssertRejected("owner", () => World.Queue.ClaimAsync(new ClaimRequest(["q"], 1, TimeSpan.FromMinutes(1), name), Cancellation));
        await AssertRejected("queueNames", () => World.Queue.WaitForMessagesAsync([name], TimeSpan.Zero, Cancellation));
        await AssertRejected("queueName", () => World.Queue.ListDeadLettersAsync(new DeadLetterQuery { QueueName = name }, Cancellation));
        await AssertRejected("queueName", () => World.Queue.PurgeDeadLettersAsync(name, cancellationToken: Cancellation));
        await AssertRejected("headers", () => World.Queue.EnqueueAsync("q", Bytes("p"), new EnqueueOptions { Headers = new Dictionary<string, string> { [name] = "v" } }, Cancellation));
        await AssertRejected("name", () => World.Streams.WriteAsync(run.RunId, name, Bytes("c"), Cancellation));
        await AssertRejected("name", () => World.Streams.GetInfoAsync(run.RunId, name, Cancellation));
        await AssertRejected("attributes", () => AppendAsync(run.RunId, new AttrSet([new AttributeChange(name, "v")], AttributeWriter.Workflow)));
        await AssertRejected("executionContext", () => AppendAsync(null, new RunCreated("dpl", "wf", Bytes("[]")) { ExecutionContext = new Dictionary<string, string> { [name] = "v" } }));

        Assert.Single((await World.Runs.ListAsync(cancellationToken: Cancellation)).Data);
        Assert.Equal([EventType.RunCreated, EventType.RunStarted], await ReadLogTypesAsync(run.RunId));
        Assert.Empty(await World.Queue.ClaimAsync(new ClaimRequest(["q"], 10, TimeSpan.FromMinutes(1), "owner"), Cancellation));
        Assert.Empty(await World.Streams.ListAsync(run.RunId, Cancellation));
    }

    [Theory]
    [MemberData(nameof(HostileTexts))]
    public async Task Free_text_without_a_UTF8_form_or_with_NUL_is_rejected(int index)
    {
        var text = HostileTextValues[index];
        var run = await CreateStartedRunAsync();
        await AssertRejected("attributes", () => AppendAsync(run.RunId, new AttrSet([new AttributeChange("k", text)], AttributeWriter.Workflow)));
        await AssertRejected("headers", () => World.Queue.EnqueueAsync("q", Bytes("p"), new EnqueueOptions { Headers = new Dictionary<string, string> { ["h"] = text } }, Cancellation));
        await AssertRejected("messages[1].headers", () => World.Queue.EnqueueBatchAsync(
            "q",
            [new EnqueueRequest(Bytes("p")), new EnqueueRequest(Bytes("p"), new EnqueueOptions { Headers = new Dictionary<string, string> { ["h"] = text } })],
            Cancellation));
        await AssertRejected("executionContext", () => AppendAsync(null, new RunCreated("dpl", "wf", Bytes("[]")) { ExecutionContext = new Dictionary<string, string> { ["k"] = text } }));
        await AssertRejected("cancelReason", () => AppendAsync(run.RunId, new RunCancelled(text)));
        Assert.Equal(RunStatus.Running, (await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation)).Status);
        Assert.Empty(await World.Queue.ClaimAsync(new ClaimRequest(["q"], 10, TimeSpan.FromMinutes(1), "owner"), Cancellation));
    }

    [Fact]
    public async Task Error_text_without_a_UTF8_form_is_rejected_and_error_text_with_NUL_is_kept_exactly()
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateRunningStepAsync(run.RunId);
        await AssertRejected("error.message", () => AppendAsync(run.RunId, new StepFailed(new StructuredError("bad \uD800")), step.StepId));
        await AssertRejected("error.stack", () => AppendAsync(run.RunId, new RunFailed(new StructuredError("m", Stack: "\uDFFF"))));

        var error = new StructuredError("nul\0 and tab\t and 😀", "at\0frame", "E\u0001");
        await AppendAsync(run.RunId, new StepFailed(error), step.StepId);
        Assert.Equal(error, (await World.Steps.GetAsync(run.RunId, step.StepId, cancellationToken: Cancellation)).Error);
    }

    [Fact]
    public async Task Names_at_the_byte_limit_made_of_multi_byte_characters_work_everywhere_and_read_back_exactly()
    {
        foreach (var name in new[] { MaxThreeByteName, MaxFourByteName, new string('a', IdValidation.MaxNameBytes) })
        {
            Assert.Equal(IdValidation.MaxNameBytes, System.Text.Encoding.UTF8.GetByteCount(name));
            var run = (await AppendAsync(null, new RunCreated(name, name, Bytes("[]")))).Run!;
            Assert.Equal(name, (await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation)).WorkflowName);
            Assert.Equal(run.RunId, Assert.Single((await World.Runs.ListAsync(new RunQuery { WorkflowName = name }, Cancellation)).Data).RunId);
            await AppendAsync(run.RunId, new RunStarted());
            var step = (await AppendAsync(run.RunId, new StepCreated(name, Bytes("x")) { WorkflowName = name }, NewId(IdPrefixes.Step))).Step!;
            Assert.Equal(name, (await World.Steps.GetAsync(run.RunId, step.StepId, cancellationToken: Cancellation)).StepName);
            var hook = await CreateHookAsync(run.RunId, token: name);
            Assert.Equal(hook.HookId, (await World.Hooks.GetByTokenAsync(name, cancellationToken: Cancellation)).HookId);

            var enqueued = await World.Queue.EnqueueAsync(name, Bytes("p"), new EnqueueOptions { IdempotencyKey = name, MaxAttempts = 1 }, Cancellation);
            Assert.True((await World.Queue.EnqueueAsync(name, Bytes("p"), new EnqueueOptions { IdempotencyKey = name }, Cancellation)).Duplicate);
            var message = Assert.Single(await World.Queue.ClaimAsync(new ClaimRequest([name], 10, TimeSpan.FromMinutes(1), name), Cancellation));
            Assert.Equal((enqueued.MessageId, name, name), (message.MessageId, message.QueueName, message.IdempotencyKey));
            Assert.Equal(FailureOutcome.DeadLettered, await World.Queue.FailAsync(message.Lease, new QueueFailure(new StructuredError("x"), TimeSpan.Zero), Cancellation));
            Assert.Equal(name, Assert.Single((await World.Queue.ListDeadLettersAsync(new DeadLetterQuery { QueueName = name }, Cancellation)).Data).QueueName);

            await World.Streams.WriteAsync(run.RunId, name, Bytes("c"), Cancellation);
            Assert.Equal([name], await World.Streams.ListAsync(run.RunId, Cancellation));
        }
    }

    [Fact]
    public async Task One_byte_over_the_limit_is_rejected_however_few_characters_it_has()
    {
        var name = new string('€', 341) + "ab";
        Assert.Equal(343, name.Length);
        await AssertRejected("workflowName", () => AppendAsync(null, new RunCreated("dpl", name, Bytes("[]"))));
        await AssertRejected("queueName", () => World.Queue.EnqueueAsync(name, Bytes("p"), cancellationToken: Cancellation));
        await AssertRejected("workflowName", () => World.Runs.ListAsync(new RunQuery { WorkflowName = name }, Cancellation));
    }

    [Fact]
    public async Task Sql_looking_and_unusual_but_valid_text_is_stored_as_given()
    {
        const string name = "x'); DROP TABLE runs; -- \\ % _ $1 \"quoted\" 😀 \u00e9\u0301 \u200b";
        var attributes = new Dictionary<string, string> { [name] = "tab\there; 'q' 😀" };
        var run = (await AppendAsync(null, new RunCreated(name, name, Bytes("[]")) { Attributes = attributes, ExecutionContext = attributes })).Run!;
        var read = await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation);
        Assert.Equal((name, name), (read.WorkflowName, read.DeploymentId));
        Assert.Equal(attributes, read.Attributes);
        Assert.Equal(attributes, read.ExecutionContext);
        Assert.Single((await World.Runs.ListAsync(new RunQuery { WorkflowName = name }, Cancellation)).Data);
        Assert.Empty((await World.Runs.ListAsync(new RunQuery { WorkflowName = "x'); DROP TABLE runs; --%" }, Cancellation)).Data);

        var headers = new Dictionary<string, string> { ["h'; --"] = "v\t😀 'q'" };
        await World.Queue.EnqueueAsync(name, Bytes("p"), new EnqueueOptions { Headers = headers, IdempotencyKey = name }, Cancellation);
        var message = Assert.Single(await World.Queue.ClaimAsync(new ClaimRequest([name], 1, TimeSpan.FromMinutes(1), name), Cancellation));
        Assert.Equal(headers, message.Headers);
    }

    [Fact]
    public async Task A_cursor_from_another_listing_scope_or_altered_is_a_validation_error_on_cursor()
    {
        var runA = await CreateStartedRunAsync();
        var runB = await CreateStartedRunAsync();
        await CreateStepAsync(runA.RunId);
        await CreateStepAsync(runA.RunId);
        await CreateHookAsync(runA.RunId);
        await CreateHookAsync(runA.RunId);
        var one = new PageRequest { Limit = 1 };
        var eventsA = (await World.Events.ListAsync(new EventQuery(runA.RunId) { Page = one }, Cancellation)).Cursor!;
        var stepsA = (await World.Steps.ListAsync(new StepQuery(runA.RunId) { Page = one }, Cancellation)).Cursor!;
        var runs = (await World.Runs.ListAsync(new RunQuery { Page = one }, Cancellation)).Cursor!;
        var hooksA = (await World.Hooks.ListAsync(new HookQuery { RunId = runA.RunId, Page = one }, Cancellation)).Cursor!;
        var hooksAll = (await World.Hooks.ListAsync(new HookQuery { Page = one }, Cancellation)).Cursor!;

        // Each cursor works where it came from.
        Assert.NotEmpty((await World.Events.ListAsync(new EventQuery(runA.RunId) { Page = one with { Cursor = eventsA } }, Cancellation)).Data);
        Assert.NotEmpty((await World.Steps.ListAsync(new StepQuery(runA.RunId) { Page = one with { Cursor = stepsA } }, Cancellation)).Data);
        Assert.NotEmpty((await World.Hooks.ListAsync(new HookQuery { Page = one with { Cursor = hooksAll } }, Cancellation)).Data);

        // Another listing, another run, or all hooks against one run's hooks.
        await AssertCursorRejected(() => World.Events.ListAsync(new EventQuery(runB.RunId) { Page = one with { Cursor = eventsA } }, Cancellation));
        await AssertCursorRejected(() => World.Steps.ListAsync(new StepQuery(runB.RunId) { Page = one with { Cursor = stepsA } }, Cancellation));
        await AssertCursorRejected(() => World.Events.ListAsync(new EventQuery(runA.RunId) { Page = one with { Cursor = stepsA } }, Cancellation));
        await AssertCursorRejected(() => World.Steps.ListAsync(new StepQuery(runA.RunId) { Page = one with { Cursor = eventsA } }, Cancellation));
        await AssertCursorRejected(() => World.Runs.ListAsync(new RunQuery { Page = one with { Cursor = eventsA } }, Cancellation));
        await AssertCursorRejected(() => World.Hooks.ListAsync(new HookQuery { Page = one with { Cursor = runs } }, Cancellation));
        await AssertCursorRejected(() => World.Hooks.ListAsync(new HookQuery { RunId = runA.RunId, Page = one with { Cursor = hooksAll } }, Cancellation));
        await AssertCursorRejected(() => World.Hooks.ListAsync(new HookQuery { Page = one with { Cursor = hooksA } }, Cancellation));
        await AssertCursorRejected(() => World.Queue.ListDeadLettersAsync(new DeadLetterQuery { Page = one with { Cursor = runs } }, Cancellation));

        // Truncated or altered: never another position.
        for (var length = 1; length < eventsA.Length; length++)
        {
            var truncated = eventsA[..length];
            await AssertCursorRejected(() => World.Events.ListAsync(new EventQuery(runA.RunId) { Page = one with { Cursor = truncated } }, Cancellation));
        }

        var altered = eventsA[..^2] + (eventsA[^2] == 'A' ? 'B' : 'A') + eventsA[^1];
        await AssertCursorRejected(() => World.Events.ListAsync(new EventQuery(runA.RunId) { Page = one with { Cursor = altered } }, Cancellation));
    }

    [Fact]
    public async Task A_stream_cursor_is_bound_to_its_stream()
    {
        var run = await CreateStartedRunAsync();
        await World.Streams.WriteManyAsync(run.RunId, "a", [Bytes("1"), Bytes("2")], Cancellation);
        await World.Streams.WriteManyAsync(run.RunId, "b", [Bytes("1"), Bytes("2")], Cancellation);
        var cursor = (await World.Streams.GetChunksAsync(run.RunId, "a", new PageRequest { Limit = 1 }, Cancellation)).Cursor!;
        Assert.Single((await World.Streams.GetChunksAsync(run.RunId, "a", new PageRequest { Cursor = cursor }, Cancellation)).Data);
        await AssertCursorRejected(() => World.Streams.GetChunksAsync(run.RunId, "b", new PageRequest { Cursor = cursor }, Cancellation));
        var events = (await World.Events.ListAsync(new EventQuery(run.RunId) { Page = new PageRequest { Limit = 1 } }, Cancellation)).Cursor!;
        await AssertCursorRejected(() => World.Streams.GetChunksAsync(run.RunId, "a", new PageRequest { Cursor = events }, Cancellation));
    }

    [Fact]
    public async Task Values_out_of_range_are_validation_errors_naming_the_field()
    {
        var run = await CreateStartedRunAsync();
        await AssertRejected("statuses", () => World.Runs.ListAsync(new RunQuery { Statuses = [(RunStatus)99] }, Cancellation));
        await AssertRejected("sortOrder", () => World.Runs.ListAsync(new RunQuery { Page = new PageRequest { SortOrder = (SortOrder)7 } }, Cancellation));
        await AssertRejected("sortOrder", () => World.Events.ListAsync(new EventQuery(run.RunId) { Page = new PageRequest { SortOrder = (SortOrder)(-1) } }, Cancellation));
        await AssertRejected("resolveData", () => World.Runs.GetAsync(run.RunId, new ReadOptions { ResolveData = (ResolveData)9 }, Cancellation));
        await AssertRejected("resolveData", () => World.Steps.ListAsync(new StepQuery(run.RunId) { ResolveData = (ResolveData)9 }, Cancellation));
        await AssertRejected("page", () => World.Events.ListAsync(new EventQuery(run.RunId) { Page = null! }, Cancellation));
        await AssertRejected("page", () => World.Hooks.ListAsync(new HookQuery { Page = null! }, Cancellation));
        await AssertRejected("limit", () => World.Queue.ListDeadLettersAsync(new DeadLetterQuery { Page = new PageRequest { Limit = 0 } }, Cancellation));
        await AssertRejected("timeout", () => World.Runs.WaitForTerminalStatusAsync(run.RunId, TimeSpan.FromSeconds(-1), cancellationToken: Cancellation));
        await AssertRejected("timeout", () => World.Queue.WaitForMessagesAsync(["q"], TimeSpan.FromSeconds(-1), Cancellation));
        await AssertRejected("runIds[1]", () => World.Runs.GetManyAsync([run.RunId, null!], cancellationToken: Cancellation));
        await AssertRejected("messageIds[0]", () => World.Queue.PurgeDeadLettersAsync(messageIds: ["bad id\0"], cancellationToken: Cancellation));
        await AssertRejected("query", () => World.Events.ListAsync(null!, Cancellation));
        await AssertRejected("query", () => World.Steps.ListAsync(null!, Cancellation));
        await AssertRejected("request", () => World.Events.CreateAsync(run.RunId, null!, cancellationToken: Cancellation));
    }

    [Theory]
    [InlineData("not-a-run-id")]
    [InlineData("step_01ARZ3NDEKTSV4RRFFQ69G5FAV")]
    [InlineData("wrun_NOTAULIDNOTAULIDNOTAULID")]
    [InlineData("too old")]
    [InlineData("too new")]
    public async Task A_resilient_run_started_refuses_every_run_id_run_created_refuses(string kind)
    {
        var runId = kind switch
        {
            "too old" => WorldIds.New(IdPrefixes.Run, Clock.GetUtcNow() - IdValidation.ClientRunIdMaxAge - TimeSpan.FromMinutes(1)),
            "too new" => WorldIds.New(IdPrefixes.Run, Clock.GetUtcNow() + IdValidation.ClientRunIdMaxSkew + TimeSpan.FromMinutes(1)),
            _ => kind,
        };
        var start = new RunStarted { DeploymentId = "dpl", WorkflowName = "wf", Input = Bytes("[]") };
        await AssertRejected("runId", () => AppendAsync(runId, new RunCreated("dpl", "wf", Bytes("[]"))));
        await AssertRejected("runId", () => AppendAsync(runId, start));
        Assert.Empty((await World.Runs.ListAsync(cancellationToken: Cancellation)).Data);
    }

    [Theory]
    [InlineData(RunStatus.Cancelled)]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Failed)]
    public async Task On_an_ended_run_a_running_step_may_only_finish_and_other_steps_not_move(RunStatus status)
    {
        var run = await CreateStartedRunAsync();
        var running = await CreateRunningStepAsync(run.RunId);
        var finishing = await CreateRunningStepAsync(run.RunId);
        var pending = await CreateStepAsync(run.RunId);
        await AppendAsync(run.RunId, TerminalEvent(status));
        var log = await ReadLogAsync(run.RunId);

        await AssertStatus(410, () => AppendAsync(run.RunId, new StepRetrying(new StructuredError("again")), running.StepId));
        await AssertStatus(410, () => AppendAsync(run.RunId, new StepStarted(), running.StepId));
        await AssertStatus(410, () => AppendAsync(run.RunId, new StepStarted(), pending.StepId));
        await AssertStatus(410, () => AppendAsync(run.RunId, new StepRetrying(new StructuredError("again")), pending.StepId));
        await AssertStatus(410, () => AppendAsync(run.RunId, new StepCompleted(Bytes("r")), pending.StepId));
        await AssertStatus(409, () => AppendAsync(run.RunId, new StepStarted { StepName = "s", Input = Bytes("x") }, NewId(IdPrefixes.Step)));
        Assert.Equal(log.Select(e => e.EventId), (await ReadLogAsync(run.RunId)).Select(e => e.EventId));

        // The documented exception: a step that was running when the run ended may still complete or fail.
        Assert.Equal(StepStatus.Completed, (await AppendAsync(run.RunId, new StepCompleted(Bytes("r")), running.StepId)).Step!.Status);
        Assert.Equal(StepStatus.Failed, (await AppendAsync(run.RunId, new StepFailed(new StructuredError("x")), finishing.StepId)).Step!.Status);
    }

    [Fact]
    public async Task Mutating_request_objects_after_the_call_does_not_rewrite_stored_history()
    {
        var input = Bytes("input");
        var attributes = new Dictionary<string, string> { ["a"] = "1" };
        var context = new Dictionary<string, string> { ["c"] = "1" };
        var run = (await AppendAsync(null, new RunCreated("dpl", "wf", input) { Attributes = attributes, ExecutionContext = context })).Run!;
        await AppendAsync(run.RunId, new RunStarted());
        var changes = new List<AttributeChange> { new("b", "2") };
        await AppendAsync(run.RunId, new AttrSet(changes, AttributeWriter.Workflow));
        var stepInput = Bytes("step");
        var lazy = NewId(IdPrefixes.Step);
        await AppendAsync(run.RunId, new StepStarted { StepName = "s", Input = stepInput }, lazy);
        var resilientAttributes = new Dictionary<string, string> { ["r"] = "1" };
        var resilientRunId = NewId(IdPrefixes.Run);
        await AppendAsync(resilientRunId, new RunStarted { DeploymentId = "dpl", WorkflowName = "wf", Input = Bytes("i"), Attributes = resilientAttributes });
        var headers = new Dictionary<string, string> { ["h"] = "1" };
        var payload = Bytes("payload");
        await World.Queue.EnqueueAsync("q", payload, new EnqueueOptions { Headers = headers }, Cancellation);
        var chunk = Bytes("chunk");
        await World.Streams.WriteAsync(run.RunId, "s", chunk, Cancellation);

        input[0] = (byte)'X';
        attributes["a"] = "mutated";
        attributes["new"] = "x";
        context["c"] = "mutated";
        changes[0] = new AttributeChange("b", "mutated");
        changes.Add(new AttributeChange("z", "z"));
        stepInput[0] = (byte)'X';
        resilientAttributes["r"] = "mutated";
        headers["h"] = "mutated";
        payload[0] = (byte)'X';
        chunk[0] = (byte)'X';

        var read = await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation);
        AssertPayload(Bytes("input"), read.Input);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, read.Attributes);
        Assert.Equal(new Dictionary<string, string> { ["c"] = "1" }, read.ExecutionContext);
        var log = await ReadLogAsync(run.RunId);
        var created = Assert.IsType<RunCreated>(log[0].Data);
        AssertPayload(Bytes("input"), created.Input);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1" }, created.Attributes);
        Assert.Equal(new Dictionary<string, string> { ["c"] = "1" }, created.ExecutionContext);
        Assert.Equal([new AttributeChange("b", "2")], Assert.IsType<AttrSet>(log[2].Data).Changes);
        AssertPayload(Bytes("step"), Assert.IsType<StepCreated>(log[3].Data).Input);
        AssertPayload(Bytes("step"), (await World.Steps.GetAsync(run.RunId, lazy, cancellationToken: Cancellation)).Input);
        Assert.Equal(new Dictionary<string, string> { ["r"] = "1" }, (await World.Runs.GetAsync(resilientRunId, cancellationToken: Cancellation)).Attributes);
        Assert.Equal(new Dictionary<string, string> { ["r"] = "1" }, Assert.IsType<RunCreated>((await ReadLogAsync(resilientRunId))[0].Data).Attributes);
        var message = Assert.Single(await World.Queue.ClaimAsync(new ClaimRequest(["q"], 1, TimeSpan.FromMinutes(1), "o"), Cancellation));
        Assert.Equal(Bytes("payload"), message.Payload.ToArray());
        Assert.Equal(new Dictionary<string, string> { ["h"] = "1" }, message.Headers);
        Assert.Equal(Bytes("chunk"), Assert.Single((await World.Streams.GetChunksAsync(run.RunId, "s", cancellationToken: Cancellation)).Data).Data.ToArray());
    }

    private static async Task AssertCursorRejected(Func<Task> call) => await AssertRejected("cursor", call);

    private static async Task AssertRejected(string field, Func<Task> call)
    {
        var error = await Assert.ThrowsAnyAsync<WorldValidationException>(call);
        Assert.True(
            error.Field == field || error.Field?.StartsWith(field + ".", StringComparison.Ordinal) == true,
            $"expected field '{field}', got '{error.Field}' ({error.Code}: {error.Message})");
        Assert.Equal(400, error.Status);
    }

    private static async Task AssertStatus(int status, Func<Task> call) =>
        Assert.Equal(status, (await Assert.ThrowsAnyAsync<WorldException>(call)).Status);
}
