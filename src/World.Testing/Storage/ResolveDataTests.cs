namespace World.Testing.Storage;

/// <summary>
/// <c>resolveData: none</c> removes payloads and keeps metadata (docs/guarantees.md#6-reads-and-pagination).
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class ResolveDataTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    private static readonly ReadOptions None = ReadOptions.WithoutData;

    [Fact]
    public async Task Runs_read_without_data_lose_input_and_output_but_keep_the_rest()
    {
        var run = await CreateStartedRunAsync();
        await AppendAsync(run.RunId, new RunCompleted(Bytes("out")));
        var read = await World.Runs.GetAsync(run.RunId, None, Cancellation);
        Assert.Null(read.Input);
        Assert.Null(read.Output);
        Assert.Equal(RunStatus.Completed, read.Status);
        Assert.Equal(run.WorkflowName, read.WorkflowName);
        Assert.NotNull(read.CompletedAt);
    }

    [Fact]
    public async Task Failed_runs_keep_their_error_without_data()
    {
        var run = await CreateStartedRunAsync();
        await AppendAsync(run.RunId, new RunFailed(new StructuredError("kept"), "USER_ERROR"));
        Assert.Equal("kept", (await World.Runs.GetAsync(run.RunId, None, Cancellation)).Error!.Message);
    }

    [Fact]
    public async Task Run_listings_and_get_many_honour_resolve_data()
    {
        var run = await CreateRunAsync(input: Bytes("in"));
        Assert.Null((await World.Runs.ListAsync(new RunQuery { ResolveData = ResolveData.None }, Cancellation)).Data.Single().Input);
        AssertPayload(Bytes("in"), (await World.Runs.ListAsync(new RunQuery(), Cancellation)).Data.Single().Input);
        Assert.Null((await World.Runs.GetManyAsync([run.RunId], None, Cancellation))[0]!.Input);
    }

    [Fact]
    public async Task Steps_read_without_data_lose_input_and_output_but_keep_the_error()
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateRunningStepAsync(run.RunId);
        await AppendAsync(run.RunId, new StepRetrying(new StructuredError("kept")), step.StepId);
        await AppendAsync(run.RunId, new StepStarted(), step.StepId);
        await AppendAsync(run.RunId, new StepCompleted(Bytes("out")), step.StepId);

        var read = await World.Steps.GetAsync(run.RunId, step.StepId, None, Cancellation);
        Assert.Null(read.Input);
        Assert.Null(read.Output);
        Assert.Equal("kept", read.Error!.Message);
        Assert.Equal(2, read.Attempt);
        Assert.Null((await World.Steps.ListAsync(new StepQuery(run.RunId) { ResolveData = ResolveData.None }, Cancellation)).Data.Single().Input);
    }

    [Fact]
    public async Task Hooks_read_without_data_lose_metadata_only()
    {
        var run = await CreateStartedRunAsync();
        var hook = await CreateHookAsync(run.RunId, "tok_meta", metadata: Bytes("meta"));
        var byToken = await World.Hooks.GetByTokenAsync("tok_meta", None, Cancellation);
        Assert.Null(byToken.Metadata);
        Assert.Equal("tok_meta", byToken.Token);
        Assert.Null((await World.Hooks.GetAsync(hook.HookId, None, Cancellation)).Metadata);
        Assert.Null((await World.Hooks.ListAsync(new HookQuery { ResolveData = ResolveData.None }, Cancellation)).Data.Single().Metadata);
        AssertPayload(Bytes("meta"), (await World.Hooks.GetAsync(hook.HookId, cancellationToken: Cancellation)).Metadata);
    }

    [Fact]
    public async Task Events_read_without_data_lose_only_their_payload_field()
    {
        var run = await CreateRunAsync(input: Bytes("in"));
        await AppendAsync(run.RunId, new RunStarted());
        await AppendAsync(run.RunId, new StepCreated("step//n", Bytes("si")) { WorkflowName = "wf" }, "step_a");
        await AppendAsync(run.RunId, new StepStarted(), "step_a");
        await AppendAsync(run.RunId, new StepCompleted(Bytes("so")) { StepName = "step//n" }, "step_a");
        await AppendAsync(run.RunId, new HookCreated("tok_e", Bytes("hm")) { IsWebhook = false }, "hook_a");
        await AppendAsync(run.RunId, new HookReceived(Bytes("hp"), "tok_e"), "hook_a");
        await AppendAsync(run.RunId, new RunFailed(new StructuredError("e"), "USER_ERROR"));

        var log = await ReadLogAsync(run.RunId, ResolveData.None);
        Assert.Equal(new RunCreated("dpl_test", "workflow//sample", null), log[0].Data);
        Assert.Equal(new StepCreated("step//n", null) { WorkflowName = "wf" }, log[2].Data);
        Assert.Equal(new StepCompleted(null) { StepName = "step//n" }, log[4].Data);
        Assert.Equal(new HookCreated("tok_e", null) { IsWebhook = false }, log[5].Data);
        Assert.Equal(new HookReceived(null, "tok_e"), log[6].Data);
        Assert.Equal(new RunFailed(null, "USER_ERROR"), log[7].Data);
        Assert.All(log, e => Assert.NotNull(e.EventId));
    }

    [Fact]
    public async Task Events_get_honours_resolve_data()
    {
        var run = await CreateStartedRunAsync();
        var created = await AppendAsync(run.RunId, new StepCreated("s", Bytes("si")), "step_a");
        Assert.Null(((StepCreated)(await World.Events.GetAsync(run.RunId, created.Event!.EventId, None, Cancellation)).Data).Input);
        AssertPayload(Bytes("si"), ((StepCreated)(await World.Events.GetAsync(run.RunId, created.Event.EventId, cancellationToken: Cancellation)).Data).Input);
    }

    [Fact]
    public async Task Create_results_honour_resolve_data()
    {
        var options = new CreateEventOptions { ResolveData = ResolveData.None };
        var created = await AppendAsync(null, new RunCreated("dpl", "wf", Bytes("in")), options: options);
        Assert.Null(created.Run!.Input);
        Assert.Null(((RunCreated)created.Event!.Data).Input);

        var started = await AppendAsync(created.Run.RunId, new RunStarted(), options: options);
        Assert.All(started.Events!, e => Assert.False(e.Data is RunCreated { Input: not null }, "the preload leaked run input"));
        var step = await AppendAsync(created.Run.RunId, new StepCreated("s", Bytes("si")), "step_a", options);
        Assert.Null(step.Step!.Input);

        // What was stored is unaffected.
        AssertPayload(Bytes("si"), (await World.Steps.GetAsync(created.Run.RunId, "step_a", cancellationToken: Cancellation)).Input);
    }

    [Fact]
    public async Task Data_is_resolved_by_default()
    {
        var run = await CreateRunAsync(input: Bytes("in"));
        AssertPayload(Bytes("in"), (await World.Runs.GetAsync(run.RunId, cancellationToken: Cancellation)).Input);
        AssertPayload(Bytes("in"), ((RunCreated)(await ReadLogAsync(run.RunId))[0].Data).Input);
    }
}
