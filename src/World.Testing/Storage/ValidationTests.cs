using World.Backends;

namespace World.Testing.Storage;

/// <summary>
/// Bad input gets a typed <see cref="WorldException"/> and changes nothing
/// (docs/guarantees.md#2a-input-validation-one-table-for-every-entry-point, docs/guarantees.md#7-errors).
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class ValidationTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    public static TheoryData<string> UnsafeIds() =>
    [
        "",
        "wrun_../../etc/passwd",
        "wrun_a/b",
        "wrun_a\\b",
        "wrun_a\0b",
        "wrun_a.b",
        "wrun_a b",
        "wrun_'; DROP TABLE runs; --",
        new string('w', IdValidation.MaxIdLength + 1),
    ];

    [Theory]
    [MemberData(nameof(UnsafeIds))]
    public async Task Unsafe_run_ids_are_rejected_by_every_entry_point(string runId)
    {
        await AssertValidation(() => AppendAsync(runId, new RunStarted()));
        await AssertValidation(() => World.Runs.GetAsync(runId, cancellationToken: Cancellation));
        await AssertValidation(() => World.Events.ListAsync(new EventQuery(runId), Cancellation));
        await AssertValidation(() => World.Steps.ListAsync(new StepQuery(runId), Cancellation));
        await AssertValidation(() => World.Steps.GetAsync(runId, "step_a", cancellationToken: Cancellation));
        await AssertValidation(() => World.Events.GetAsync(runId, "evnt_a", cancellationToken: Cancellation));
        await AssertValidation(() => World.Hooks.ListAsync(new HookQuery { RunId = runId }, Cancellation));
        await AssertValidation(() => World.Runs.GetManyAsync([runId], cancellationToken: Cancellation));
    }

    [Theory]
    [MemberData(nameof(UnsafeIds))]
    public async Task Unsafe_correlation_ids_are_rejected(string correlationId)
    {
        var run = await CreateStartedRunAsync();
        await AssertValidation(() => AppendAsync(run.RunId, new StepCreated("s", Bytes("x")), correlationId));
        await AssertValidation(() => AppendAsync(run.RunId, new HookCreated("tok"), correlationId));
        await AssertValidation(() => AppendAsync(run.RunId, new WaitCreated(Clock.GetUtcNow()), correlationId));
        await AssertValidation(() => World.Steps.GetAsync(run.RunId, correlationId, cancellationToken: Cancellation));
        await AssertValidation(() => World.Hooks.GetAsync(correlationId, cancellationToken: Cancellation));
        Assert.Equal([EventType.RunCreated, EventType.RunStarted], await ReadLogTypesAsync(run.RunId));
    }

    [Fact]
    public async Task A_null_run_id_is_only_allowed_for_run_created()
    {
        var error = await AssertValidation(() => AppendAsync(null, new RunStarted()));
        Assert.Equal("runId", error.Field);
        Assert.Empty((await World.Runs.ListAsync(cancellationToken: Cancellation)).Data);
    }

    [Fact]
    public async Task Step_events_without_a_correlation_id_are_rejected()
    {
        var run = await CreateStartedRunAsync();
        Assert.Equal("correlationId", (await AssertValidation(() => AppendAsync(run.RunId, new StepCreated("s", Bytes("x"))))).Field);
    }

    [Fact]
    public async Task Callers_cannot_write_hook_conflict()
    {
        var run = await CreateStartedRunAsync();
        await AssertValidation(() => AppendAsync(run.RunId, new HookConflict("tok", run.RunId), "hook_a"));
        Assert.Equal([EventType.RunCreated, EventType.RunStarted], await ReadLogTypesAsync(run.RunId));
    }

    [Fact]
    public async Task Missing_required_payloads_are_rejected_and_empty_ones_accepted()
    {
        var run = await CreateStartedRunAsync();
        await AssertValidation(() => AppendAsync(run.RunId, new StepCreated("s", null), "step_a"));
        await AppendAsync(run.RunId, new StepCreated("s", ReadOnlyMemory<byte>.Empty), "step_a");
        AssertPayload([], (await World.Steps.GetAsync(run.RunId, "step_a", cancellationToken: Cancellation)).Input);
    }

    [Fact]
    public async Task Null_requests_and_queries_are_validation_errors()
    {
        var run = await CreateStartedRunAsync();
        await AssertValidation(() => World.Events.CreateAsync(run.RunId, null!, cancellationToken: Cancellation));
        await AssertValidation(() => World.Events.ListAsync(null!, Cancellation));
        await AssertValidation(() => World.Steps.ListAsync(null!, Cancellation));
        await AssertValidation(() => World.Runs.GetManyAsync(null!, cancellationToken: Cancellation));
    }

    [Theory]
    [InlineData("")]
    [InlineData("tok\u0000en")]
    [InlineData("tok\nen")]
    public async Task Invalid_tokens_are_rejected(string token)
    {
        var run = await CreateStartedRunAsync();
        await AssertValidation(() => AppendAsync(run.RunId, new HookCreated(token), "hook_a"));
        await AssertValidation(() => World.Hooks.GetByTokenAsync(token, cancellationToken: Cancellation));
    }

    [Fact]
    public async Task Oversized_tokens_are_rejected()
    {
        var run = await CreateStartedRunAsync();
        await AssertValidation(() => AppendAsync(run.RunId, new HookCreated(new string('t', IdValidation.MaxNameBytes + 1)), "hook_a"));
    }

    [Fact]
    public async Task Unsupported_spec_versions_are_rejected_before_anything_is_written()
    {
        var error = await Assert.ThrowsAsync<RunNotSupportedException>(() =>
            World.Events.CreateAsync(null, new EventRequest(new RunCreated("dpl", "wf", Bytes("x"))) { SpecVersion = SpecVersions.Legacy }, cancellationToken: Cancellation));
        Assert.Equal(WorldErrorCodes.RunNotSupported, error.Code);
        Assert.Empty((await World.Runs.ListAsync(cancellationToken: Cancellation)).Data);
    }

    [Fact]
    public async Task Oversized_attribute_values_are_attribute_validation_errors()
    {
        var run = await CreateStartedRunAsync();
        var error = await Assert.ThrowsAsync<AttributeValidationException>(() =>
            AppendAsync(run.RunId, new AttrSet([new AttributeChange("k", new string('v', 300))], AttributeWriter.Workflow)));
        Assert.Equal(400, error.Status);
        Assert.Equal(WorldErrorCodes.AttributeValidation, error.Code);
    }

    [Fact]
    public async Task Get_many_refuses_more_than_1000_ids()
    {
        var ids = Enumerable.Range(0, 1001).Select(_ => WorldIds.NewRunId(Clock.GetUtcNow())).ToArray();
        await AssertValidation(() => World.Runs.GetManyAsync(ids, cancellationToken: Cancellation));
    }

    [Fact]
    public async Task A_negative_wait_timeout_is_rejected()
    {
        var run = await CreateRunAsync();
        await AssertValidation(() => World.Runs.WaitForTerminalStatusAsync(run.RunId, TimeSpan.FromSeconds(-1), cancellationToken: Cancellation));
    }

    [Fact]
    public async Task Reads_check_every_argument_before_looking_up()
    {
        // A bad argument is reported as such even when the entity it points at does not exist (ReadRules).
        var missing = WorldIds.NewRunId(Clock.GetUtcNow());
        var badMode = new ReadOptions { ResolveData = (ResolveData)99 };
        Assert.Equal("resolveData", (await AssertValidation(() => World.Runs.GetAsync(missing, badMode, Cancellation))).Field);
        Assert.Equal("eventId", (await AssertValidation(() => World.Events.GetAsync(missing, "evnt_a/b", cancellationToken: Cancellation))).Field);
        Assert.Equal("resolveData", (await AssertValidation(() => World.Events.GetAsync(missing, NewEventId(), badMode, Cancellation))).Field);
        Assert.Equal("stepId", (await AssertValidation(() => World.Steps.GetAsync(missing, "step_a/b", cancellationToken: Cancellation))).Field);
        Assert.Equal("resolveData", (await AssertValidation(() => World.Runs.WaitForTerminalStatusAsync(missing, TimeSpan.Zero, badMode, Cancellation))).Field);
    }

    [Fact]
    public async Task Read_arguments_are_checked_in_parameter_order()
    {
        // Several bad arguments: the first in the signature is named, on every backend.
        Assert.Equal("runId", (await AssertValidation(() => World.Runs.WaitForTerminalStatusAsync("wrun_a/b", TimeSpan.FromSeconds(-1), cancellationToken: Cancellation))).Field);
        Assert.Equal("runId", (await AssertValidation(() => World.Events.GetAsync("wrun_a/b", "evnt_a/b", cancellationToken: Cancellation))).Field);
        Assert.Equal("runIds", (await AssertValidation(() => World.Runs.GetManyAsync(null!, new ReadOptions { ResolveData = (ResolveData)99 }, Cancellation))).Field);
        Assert.Equal("timeout", (await AssertValidation(() => World.Queue.WaitForMessagesAsync(["q"], TimeSpan.FromSeconds(-1), Cancellation))).Field);
        Assert.Equal("queueName", (await AssertValidation(() => World.Queue.PurgeDeadLettersAsync("", ["msg_a/b"], Cancellation))).Field);
    }

    private string NewEventId() => WorldIds.New(IdPrefixes.Event, Clock.GetUtcNow());

    private static async Task<WorldValidationException> AssertValidation(Func<Task> action)
    {
        var error = await Assert.ThrowsAnyAsync<WorldValidationException>(action);
        Assert.Equal(400, error.Status);
        return error;
    }
}
