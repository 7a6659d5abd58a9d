namespace World.Testing.Storage;

/// <summary>The event log: order, identity, reads by id and by correlation id (docs/guarantees.md#5-atomicity-uniqueness-and-ordering,
/// docs/guarantees.md#6-reads-and-pagination).</summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class EventLogTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    [Fact]
    public async Task The_log_lists_events_in_commit_order_with_ascending_ids()
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateRunningStepAsync(run.RunId);
        await AppendAsync(run.RunId, new StepCompleted(Bytes("r")), step.StepId);
        await AppendAsync(run.RunId, new RunCompleted(Bytes("o")));

        var log = await ReadLogAsync(run.RunId);
        Assert.Equal(
            [EventType.RunCreated, EventType.RunStarted, EventType.StepCreated, EventType.StepStarted, EventType.StepCompleted, EventType.RunCompleted],
            log.Select(e => e.EventType));
        Assert.Equal(log.Select(e => e.EventId).Order(StringComparer.Ordinal), log.Select(e => e.EventId));
        Assert.All(log, e => Assert.Matches("^evnt_[0-9A-HJKMNP-TV-Z]{26}$", e.EventId));
        Assert.All(log, e => Assert.Equal(run.RunId, e.RunId));
        Assert.Equal(log.Count, log.Select(e => e.EventId).Distinct().Count());
    }

    [Fact]
    public async Task Event_ids_increase_even_when_the_clock_stands_still()
    {
        var run = await CreateStartedRunAsync();
        for (var i = 0; i < 50; i++)
        {
            await CreateStepAsync(run.RunId);
        }

        var ids = (await ReadLogAsync(run.RunId)).Select(e => e.EventId).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Event_ids_increase_even_when_the_clock_goes_backwards()
    {
        var run = await CreateStartedRunAsync();
        Clock.Advance(TimeSpan.FromMinutes(10));
        await CreateStepAsync(run.RunId);
        Clock.AdjustTime(Clock.GetUtcNow().AddMinutes(-20));
        await CreateStepAsync(run.RunId);

        var ids = (await ReadLogAsync(run.RunId)).Select(e => e.EventId).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
    }

    [Fact]
    public async Task Events_carry_the_acceptance_time_and_spec_version()
    {
        var run = await CreateRunAsync();
        Clock.Advance(TimeSpan.FromSeconds(42));
        var started = await AppendAsync(run.RunId, new RunStarted());
        Assert.Equal(Clock.GetUtcNow(), started.Event!.CreatedAt);
        Assert.Equal(SpecVersions.Current, started.Event.SpecVersion);
    }

    [Fact]
    public async Task Events_get_returns_one_event_with_its_data()
    {
        var run = await CreateStartedRunAsync();
        var created = await AppendAsync(run.RunId, new StepCreated("step//x", Bytes("in")) { WorkflowName = "wf" }, "step_x");
        var read = await World.Events.GetAsync(run.RunId, created.Event!.EventId, cancellationToken: Cancellation);
        Assert.Equal(created.Event.EventId, read.EventId);
        Assert.Equal("step_x", read.CorrelationId);
        var data = Assert.IsType<StepCreated>(read.Data);
        Assert.Equal("step//x", data.StepName);
        Assert.Equal("wf", data.WorkflowName);
        AssertPayload(Bytes("in"), data.Input);
    }

    [Fact]
    public async Task Events_get_of_an_unknown_event_is_not_found()
    {
        var run = await CreateStartedRunAsync();
        var error = await Assert.ThrowsAsync<EntityNotFoundException>(() => World.Events.GetAsync(run.RunId, "evnt_01ARZ3NDEKTSV4RRFFQ69G5FAV", cancellationToken: Cancellation));
        Assert.Equal(WorldErrorCodes.EventNotFound, error.Code);
        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task Events_get_does_not_find_an_event_through_another_run()
    {
        var a = await CreateStartedRunAsync();
        var b = await CreateStartedRunAsync();
        var eventId = (await ReadLogAsync(a.RunId))[0].EventId;
        await Assert.ThrowsAnyAsync<EntityNotFoundException>(() => World.Events.GetAsync(b.RunId, eventId, cancellationToken: Cancellation));
    }

    [Fact]
    public async Task Listing_by_correlation_id_returns_only_that_entitys_events()
    {
        var run = await CreateStartedRunAsync();
        var a = await CreateRunningStepAsync(run.RunId, "step_a");
        await CreateRunningStepAsync(run.RunId, "step_b");
        await AppendAsync(run.RunId, new StepCompleted(Bytes("a")), a.StepId);

        var page = await World.Events.ListAsync(new EventQuery(run.RunId) { CorrelationId = "step_a" }, Cancellation);
        Assert.Equal([EventType.StepCreated, EventType.StepStarted, EventType.StepCompleted], page.Data.Select(e => e.EventType));
        Assert.All(page.Data, e => Assert.Equal("step_a", e.CorrelationId));
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task Listing_by_correlation_id_is_scoped_to_the_run()
    {
        var a = await CreateStartedRunAsync();
        var b = await CreateStartedRunAsync();
        await CreateStepAsync(a.RunId, "step_same");
        await CreateStepAsync(b.RunId, "step_same");
        var page = await World.Events.ListAsync(new EventQuery(a.RunId) { CorrelationId = "step_same" }, Cancellation);
        Assert.Equal(a.RunId, Assert.Single(page.Data).RunId);
    }

    [Fact]
    public async Task The_log_of_an_unknown_run_is_empty()
    {
        var page = await World.Events.ListAsync(new EventQuery(WorldIds.NewRunId(Clock.GetUtcNow())), Cancellation);
        Assert.Empty(page.Data);
        Assert.Null(page.Cursor);
        Assert.False(page.HasMore);
    }

    [Fact]
    public async Task A_rejected_event_leaves_the_log_unchanged()
    {
        var run = await CreateStartedRunAsync();
        var before = await ReadLogAsync(run.RunId);
        await Assert.ThrowsAsync<EntityNotFoundException>(() => AppendAsync(run.RunId, new StepStarted(), "step_nope"));
        await Assert.ThrowsAsync<WorldValidationException>(() => AppendAsync(run.RunId, new StepCreated("", Bytes("x")), "step_x"));
        await Assert.ThrowsAsync<RunNotSupportedException>(() => World.Events.CreateAsync(run.RunId, new EventRequest(new StepCreated("s", Bytes("x")), "step_x") { SpecVersion = 99 }, cancellationToken: Cancellation));
        Assert.Equal(before.Select(e => e.EventId), (await ReadLogAsync(run.RunId)).Select(e => e.EventId));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => World.Steps.GetAsync(run.RunId, "step_x", cancellationToken: Cancellation));
    }

    [Fact]
    public async Task Event_data_metadata_round_trips_through_the_log()
    {
        var run = await CreateStartedRunAsync();
        var step = await CreateRunningStepAsync(run.RunId);
        var retryAt = Clock.GetUtcNow().AddSeconds(3);
        await AppendAsync(run.RunId, new StepRetrying(new StructuredError("m", "s", "c"), retryAt) { StepName = "step//n" }, step.StepId);
        await AppendAsync(run.RunId, new WaitCreated(retryAt), "wait_m");
        await AppendAsync(run.RunId, new AttrSet([new AttributeChange("k", "v"), new AttributeChange("gone", null)], new AttributeWriter("step", step.StepId, 1)));
        await AppendAsync(run.RunId, new RunCancelled("because"));

        var log = await ReadLogAsync(run.RunId);
        Assert.Equal(new StepRetrying(new StructuredError("m", "s", "c"), retryAt) { StepName = "step//n" }, log.Single(e => e.EventType == EventType.StepRetrying).Data);
        Assert.Equal(new WaitCreated(retryAt), log.Single(e => e.EventType == EventType.WaitCreated).Data);
        var attrSet = Assert.IsType<AttrSet>(log.Single(e => e.EventType == EventType.AttrSet).Data);
        Assert.Equal([new AttributeChange("k", "v"), new AttributeChange("gone", null)], attrSet.Changes);
        Assert.Equal(new AttributeWriter("step", step.StepId, 1), attrSet.Writer);
        Assert.Equal(new RunCancelled("because"), log[^1].Data);
    }
}
