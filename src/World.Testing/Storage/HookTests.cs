namespace World.Testing.Storage;

/// <summary>
/// Hooks: tokens, conflicts, delivery, disposal and release at run end (docs/guarantees.md#4-transition-rules, items 5
/// and 7).
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class HookTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    [Fact]
    public async Task Hook_created_creates_a_hook_findable_by_id_and_token()
    {
        var run = await CreateStartedRunAsync();
        var metadata = Bytes("approver=alice");
        var result = await AppendAsync(run.RunId, new HookCreated("tok_approval", metadata), "hook_approval");

        var hook = result.Hook!;
        Assert.Equal(run.RunId, hook.RunId);
        Assert.Equal("hook_approval", hook.HookId);
        Assert.Equal("tok_approval", hook.Token);
        Assert.Equal(Clock.GetUtcNow(), hook.CreatedAt);
        Assert.True(hook.IsWebhook);
        AssertPayload(metadata, hook.Metadata);
        Assert.Equal(EventType.HookCreated, result.Event!.EventType);

        var byId = await World.Hooks.GetAsync("hook_approval", cancellationToken: Cancellation);
        var byToken = await World.Hooks.GetByTokenAsync("tok_approval", cancellationToken: Cancellation);
        Assert.Equal(hook.HookId, byId.HookId);
        Assert.Equal(hook.HookId, byToken.HookId);
        AssertPayload(metadata, byToken.Metadata);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task IsWebhook_round_trips_and_defaults_to_true(bool? sent, bool stored)
    {
        var run = await CreateStartedRunAsync();
        await AppendAsync(run.RunId, new HookCreated("tok_w") { IsWebhook = sent }, "hook_w");
        Assert.Equal(stored, (await World.Hooks.GetByTokenAsync("tok_w", cancellationToken: Cancellation)).IsWebhook);
    }

    [Fact]
    public async Task A_token_held_by_another_run_yields_hook_conflict_in_the_requesting_run()
    {
        var holder = await CreateStartedRunAsync();
        var requester = await CreateStartedRunAsync();
        await CreateHookAsync(holder.RunId, "tok_shared", "hook_1");

        var result = await AppendAsync(requester.RunId, new HookCreated("tok_shared"), "hook_2");

        Assert.Null(result.Hook);
        Assert.Equal(EventType.HookConflict, result.Event!.EventType);
        Assert.Equal("hook_2", result.Event.CorrelationId);
        Assert.Equal(new HookConflict("tok_shared", holder.RunId), result.Event.Data);
        Assert.Equal(EventType.HookConflict, (await ReadLogAsync(requester.RunId))[^1].EventType);
        await Assert.ThrowsAsync<HookNotFoundException>(() => World.Hooks.GetAsync("hook_2", cancellationToken: Cancellation));
        Assert.Equal(holder.RunId, (await World.Hooks.GetByTokenAsync("tok_shared", cancellationToken: Cancellation)).RunId);
    }

    [Fact]
    public async Task A_token_held_by_another_hook_of_the_same_run_yields_hook_conflict()
    {
        var run = await CreateStartedRunAsync();
        await CreateHookAsync(run.RunId, "tok_same", "hook_1");
        var result = await AppendAsync(run.RunId, new HookCreated("tok_same"), "hook_2");
        Assert.Equal(new HookConflict("tok_same", run.RunId), result.Event!.Data);
    }

    [Fact]
    public async Task The_same_hook_id_and_token_in_another_run_yields_hook_conflict()
    {
        var holder = await CreateStartedRunAsync();
        var other = await CreateStartedRunAsync();
        await CreateHookAsync(holder.RunId, "tok_same_id", "hook_same");
        var result = await AppendAsync(other.RunId, new HookCreated("tok_same_id"), "hook_same");
        Assert.Equal(new HookConflict("tok_same_id", holder.RunId), result.Event!.Data);
        Assert.Equal(holder.RunId, (await World.Hooks.GetAsync("hook_same", cancellationToken: Cancellation)).RunId);
    }

    [Fact]
    public async Task Get_by_token_finds_the_right_hook_among_several()
    {
        var run = await CreateStartedRunAsync();
        for (var i = 0; i < 5; i++)
        {
            await CreateHookAsync(run.RunId, $"tok_many_{i}", $"hook_many_{i}");
        }

        Assert.Equal("hook_many_3", (await World.Hooks.GetByTokenAsync("tok_many_3", cancellationToken: Cancellation)).HookId);
        Assert.Equal(5, (await World.Hooks.ListAsync(new HookQuery { RunId = run.RunId }, Cancellation)).Data.Count);
    }

    [Fact]
    public async Task A_duplicate_hook_created_conflicts_instead_of_yielding_hook_conflict()
    {
        var run = await CreateStartedRunAsync();
        await CreateHookAsync(run.RunId, "tok_dup", "hook_dup");
        await Assert.ThrowsAsync<EntityConflictException>(() => AppendAsync(run.RunId, new HookCreated("tok_dup"), "hook_dup"));
        await Assert.ThrowsAsync<EntityConflictException>(() => AppendAsync(run.RunId, new HookCreated("tok_other"), "hook_dup"));
        Assert.Single((await World.Events.ListAsync(new EventQuery(run.RunId) { CorrelationId = "hook_dup" }, Cancellation)).Data);
    }

    [Fact]
    public async Task A_disposed_hook_id_cannot_be_created_again()
    {
        var run = await CreateStartedRunAsync();
        await CreateHookAsync(run.RunId, "tok_once", "hook_once");
        await AppendAsync(run.RunId, new HookDisposed(), "hook_once");
        await Assert.ThrowsAsync<EntityConflictException>(() => AppendAsync(run.RunId, new HookCreated("tok_once"), "hook_once"));
    }

    [Fact]
    public async Task Hook_received_appends_every_delivery_in_order()
    {
        var run = await CreateStartedRunAsync();
        var hook = await CreateHookAsync(run.RunId);
        for (var i = 0; i < 3; i++)
        {
            var result = await AppendAsync(run.RunId, new HookReceived(Bytes($"payload {i}"), hook.Token), hook.HookId);
            Assert.Equal(EventType.HookReceived, result.Event!.EventType);
        }

        var received = (await World.Events.ListAsync(new EventQuery(run.RunId) { CorrelationId = hook.HookId }, Cancellation)).Data
            .Where(e => e.EventType == EventType.HookReceived).ToList();
        Assert.Equal(3, received.Count);
        for (var i = 0; i < 3; i++)
        {
            AssertPayload(Bytes($"payload {i}"), ((HookReceived)received[i].Data).Payload);
        }

        Assert.Equal(hook.HookId, (await World.Hooks.GetAsync(hook.HookId, cancellationToken: Cancellation)).HookId);
    }

    [Fact]
    public async Task Hook_received_on_a_missing_hook_is_hook_not_found()
    {
        var run = await CreateStartedRunAsync();
        var error = await Assert.ThrowsAsync<HookNotFoundException>(() => AppendAsync(run.RunId, new HookReceived(Bytes("x")), "hook_missing"));
        Assert.Equal(404, error.Status);
        Assert.Equal(WorldErrorCodes.HookNotFound, error.Code);
    }

    [Fact]
    public async Task Hook_received_on_a_disposed_hook_is_hook_not_found()
    {
        var run = await CreateStartedRunAsync();
        var hook = await CreateHookAsync(run.RunId);
        await AppendAsync(run.RunId, new HookDisposed(), hook.HookId);
        await Assert.ThrowsAsync<HookNotFoundException>(() => AppendAsync(run.RunId, new HookReceived(Bytes("late")), hook.HookId));
    }

    [Theory]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.Cancelled)]
    public async Task Hook_received_after_the_run_ended_is_hook_not_found(RunStatus status)
    {
        var run = await CreateStartedRunAsync();
        var hook = await CreateHookAsync(run.RunId);
        await AppendAsync(run.RunId, TerminalEvent(status));
        await Assert.ThrowsAsync<HookNotFoundException>(() => AppendAsync(run.RunId, new HookReceived(Bytes("late")), hook.HookId));
    }

    [Fact]
    public async Task Hook_disposed_deletes_the_hook_and_frees_the_token_at_once()
    {
        var first = await CreateStartedRunAsync();
        var second = await CreateStartedRunAsync();
        var hook = await CreateHookAsync(first.RunId, "tok_reuse");

        var disposed = await AppendAsync(first.RunId, new HookDisposed(), hook.HookId);
        Assert.Equal(EventType.HookDisposed, disposed.Event!.EventType);
        await Assert.ThrowsAsync<HookNotFoundException>(() => World.Hooks.GetAsync(hook.HookId, cancellationToken: Cancellation));
        await Assert.ThrowsAsync<HookNotFoundException>(() => World.Hooks.GetByTokenAsync("tok_reuse", cancellationToken: Cancellation));

        var reclaimed = await CreateHookAsync(second.RunId, "tok_reuse");
        Assert.Equal(second.RunId, (await World.Hooks.GetByTokenAsync("tok_reuse", cancellationToken: Cancellation)).RunId);
        Assert.Equal(reclaimed.HookId, (await World.Hooks.GetByTokenAsync("tok_reuse", cancellationToken: Cancellation)).HookId);
    }

    [Fact]
    public async Task A_second_dispose_is_hook_not_found()
    {
        var run = await CreateStartedRunAsync();
        var hook = await CreateHookAsync(run.RunId);
        await AppendAsync(run.RunId, new HookDisposed(), hook.HookId);
        await Assert.ThrowsAsync<HookNotFoundException>(() => AppendAsync(run.RunId, new HookDisposed(), hook.HookId));
        Assert.Single((await ReadLogAsync(run.RunId)).Where(e => e.EventType == EventType.HookDisposed));
    }

    [Theory]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.Cancelled)]
    public async Task Ending_a_run_deletes_its_hooks_and_frees_their_tokens(RunStatus status)
    {
        var run = await CreateStartedRunAsync();
        var other = await CreateStartedRunAsync();
        await CreateHookAsync(run.RunId, "tok_end_1");
        await CreateHookAsync(run.RunId, "tok_end_2");
        var untouched = await CreateHookAsync(other.RunId, "tok_other_run");

        await AppendAsync(run.RunId, TerminalEvent(status));

        Assert.Empty((await World.Hooks.ListAsync(new HookQuery { RunId = run.RunId }, Cancellation)).Data);
        await Assert.ThrowsAsync<HookNotFoundException>(() => World.Hooks.GetByTokenAsync("tok_end_1", cancellationToken: Cancellation));
        Assert.Equal(untouched.HookId, (await World.Hooks.GetByTokenAsync("tok_other_run", cancellationToken: Cancellation)).HookId);

        var reuser = await CreateStartedRunAsync();
        await CreateHookAsync(reuser.RunId, "tok_end_1");
        await CreateHookAsync(reuser.RunId, "tok_end_2");
    }

    [Fact]
    public async Task Hooks_get_and_get_by_token_of_unknown_hooks_are_hook_not_found()
    {
        await Assert.ThrowsAsync<HookNotFoundException>(() => World.Hooks.GetAsync("hook_unknown", cancellationToken: Cancellation));
        var byToken = await Assert.ThrowsAsync<HookNotFoundException>(() => World.Hooks.GetByTokenAsync("secret-token-value", cancellationToken: Cancellation));
        Assert.DoesNotContain("secret-token-value", byToken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_may_hold_any_printable_text()
    {
        var run = await CreateStartedRunAsync();
        var token = "order:42/approval?v=1 ✓ 東京";
        await CreateHookAsync(run.RunId, token);
        Assert.Equal(token, (await World.Hooks.GetByTokenAsync(token, cancellationToken: Cancellation)).Token);
    }

    [Fact]
    public async Task Hook_events_on_a_missing_run_are_run_not_found()
    {
        var runId = WorldIds.NewRunId(Clock.GetUtcNow());
        await Assert.ThrowsAsync<RunNotFoundException>(() => AppendAsync(runId, new HookCreated("tok_x"), "hook_x"));
        await Assert.ThrowsAsync<RunNotFoundException>(() => AppendAsync(runId, new HookReceived(Bytes("x")), "hook_x"));
        await Assert.ThrowsAsync<RunNotFoundException>(() => AppendAsync(runId, new HookDisposed(), "hook_x"));
    }

    [Fact]
    public async Task A_conflicted_hook_may_be_created_once_the_token_is_free()
    {
        var holder = await CreateStartedRunAsync();
        var requester = await CreateStartedRunAsync();
        var held = await CreateHookAsync(holder.RunId, "tok_later");
        await AppendAsync(requester.RunId, new HookCreated("tok_later"), "hook_later");
        await AppendAsync(holder.RunId, new HookDisposed(), held.HookId);

        var created = await AppendAsync(requester.RunId, new HookCreated("tok_later"), "hook_later");
        Assert.Equal(requester.RunId, created.Hook!.RunId);
    }
}
