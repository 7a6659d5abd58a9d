namespace World.Testing.Storage;

/// <summary>Payloads are opaque bytes returned bit-exactly through every field (docs/guarantees.md#1-model).</summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class PayloadFidelityTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    // Rows carry names only: xUnit serializes theory data at discovery, and a 5 MB row would slow every run.
    private static readonly Dictionary<string, Func<byte[]>> PayloadsByName = new()
    {
        ["empty"] = () => [],
        ["nul bytes"] = () => [0, 0, 0],
        ["nul inside text"] = () => Bytes("a\0b\0c"),
        ["invalid utf-8"] = () => [0xC3, 0x28, 0xA0, 0xA1, 0xFF, 0xFE],
        ["all byte values"] = () => [.. Enumerable.Range(0, 256).Select(i => (byte)i)],
        ["non-ascii text"] = () => Bytes("héllo wörld 東京 🚀"),
        ["json-looking"] = () => Bytes("""{"__type":"Uint8Array","data":"AAA="}"""),
        ["5 MB"] = () => [.. Enumerable.Range(0, 5 * 1024 * 1024).Select(i => (byte)(i * 31 % 251))],
    };

    public static TheoryData<string> Payloads() => [.. PayloadsByName.Keys];

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task Payloads_round_trip_through_every_run_and_step_field(string name)
    {
        var payload = PayloadsByName[name]();
        var run = await CreateRunAsync(input: payload);
        await AppendAsync(run.RunId, new RunStarted());
        await AppendAsync(run.RunId, new StepCreated("s", payload), "step_a");
        await AppendAsync(run.RunId, new StepStarted(), "step_a");
        await AppendAsync(run.RunId, new StepCompleted(payload), "step_a");
        await AppendAsync(run.RunId, new RunCompleted(payload));

        var read = await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation);
        AssertPayload(payload, read.Input);
        AssertPayload(payload, read.Output);
        var step = await World.Steps.GetAsync(run.RunId, "step_a", cancellationToken: Cancellation);
        AssertPayload(payload, step.Input);
        AssertPayload(payload, step.Output);

        var log = await ReadLogAsync(run.RunId);
        AssertPayload(payload, ((RunCreated)log[0].Data).Input);
        AssertPayload(payload, ((StepCreated)log[2].Data).Input);
        AssertPayload(payload, ((StepCompleted)log[4].Data).Result);
        AssertPayload(payload, ((RunCompleted)log[5].Data).Output);
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task Payloads_round_trip_through_hook_metadata_and_deliveries(string name)
    {
        var payload = PayloadsByName[name]();
        var run = await CreateStartedRunAsync();
        var hook = await CreateHookAsync(run.RunId, metadata: payload);
        await AppendAsync(run.RunId, new HookReceived(payload), hook.HookId);

        AssertPayload(payload, (await World.Hooks.GetByTokenAsync(hook.Token, cancellationToken: Cancellation)).Metadata);
        var events = (await World.Events.ListAsync(new EventQuery(run.RunId) { CorrelationId = hook.HookId }, Cancellation)).Data;
        AssertPayload(payload, ((HookCreated)events[0].Data).Metadata);
        AssertPayload(payload, ((HookReceived)events[1].Data).Payload);
    }

    [Fact]
    public async Task Error_text_with_control_and_non_ascii_characters_round_trips()
    {
        var run = await CreateStartedRunAsync();
        var error = new StructuredError("bad\0thing 東京\r\n\t", "at A()\n  at B()", "USER_ERROR");
        await AppendAsync(run.RunId, new RunFailed(error));
        Assert.Equal(error, (await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation)).Error);
        Assert.Equal(error with { Code = "USER_ERROR" }, ((RunFailed)(await ReadLogAsync(run.RunId))[^1].Data).Error);
    }

    [Fact]
    public async Task Absent_and_empty_outputs_stay_distinct()
    {
        var absent = await CreateStartedRunAsync();
        await AppendAsync(absent.RunId, new RunCompleted());
        var empty = await CreateStartedRunAsync();
        await AppendAsync(empty.RunId, new RunCompleted(ReadOnlyMemory<byte>.Empty));

        Assert.Null((await World.Runs.GetAsync(absent.RunId, cancellationToken: Cancellation)).Output);
        AssertPayload([], (await World.Runs.GetAsync(empty.RunId, cancellationToken: Cancellation)).Output);
    }

    [Fact]
    public async Task Execution_context_and_attributes_round_trip()
    {
        var context = new Dictionary<string, string> { ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", ["ünï"] = "çødé" };
        var created = await AppendAsync(null, new RunCreated("dpl", "wf", Bytes("x")) { ExecutionContext = context, Attributes = new Dictionary<string, string> { ["k"] = "東京" } });
        var read = await World.Runs.GetAsync(created.Run!.RunId, cancellationToken: Cancellation);
        Assert.Equal(context, read.ExecutionContext);
        Assert.Equal("東京", read.Attributes["k"]);
    }

    [Fact]
    public async Task The_caller_mutating_its_buffer_after_the_write_does_not_change_stored_data()
    {
        var buffer = Bytes("original");
        var run = await CreateRunAsync(input: buffer);
        buffer[0] = (byte)'X';
        AssertPayload(Bytes("original"), (await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation)).Input);
    }
}
