namespace World.Testing.Storage;

/// <summary>
/// Waits: creation, exactly-once completion, deletion at run end (docs/guarantees.md#4-transition-rules, items 6 and
/// 7).
/// </summary>
/// <typeparam name="TFactory">The backend's factory of Worlds (see <see cref="IWorldFactory"/>).</typeparam>
public abstract class WaitTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    [Fact]
    public async Task Wait_created_creates_a_waiting_wait()
    {
        var run = await CreateStartedRunAsync();
        var resumeAt = Clock.GetUtcNow().AddDays(90);
        var result = await AppendAsync(run.RunId, new WaitCreated(resumeAt), "wait_sleep");

        var wait = result.Wait!;
        Assert.Equal($"{run.RunId}-wait_sleep", wait.WaitId);
        Assert.Equal(WaitStatus.Waiting, wait.Status);
        Assert.Equal(resumeAt, wait.ResumeAt);
        Assert.Equal(Clock.GetUtcNow(), wait.CreatedAt);
        Assert.Null(wait.CompletedAt);
        Assert.Equal(new WaitCreated(resumeAt), result.Event!.Data);
    }

    [Fact]
    public async Task A_duplicate_wait_created_conflicts()
    {
        var run = await CreateStartedRunAsync();
        await AppendAsync(run.RunId, new WaitCreated(Clock.GetUtcNow().AddMinutes(1)), "wait_a");
        await Assert.ThrowsAsync<EntityConflictException>(() => AppendAsync(run.RunId, new WaitCreated(Clock.GetUtcNow().AddMinutes(2)), "wait_a"));
        Assert.Single((await World.Events.ListAsync(new EventQuery(run.RunId) { CorrelationId = "wait_a" }, Cancellation)).Data);
    }

    [Fact]
    public async Task Wait_completed_completes_exactly_once()
    {
        var run = await CreateStartedRunAsync();
        await AppendAsync(run.RunId, new WaitCreated(Clock.GetUtcNow().AddSeconds(5)), "wait_a");
        Clock.Advance(TimeSpan.FromSeconds(5));

        var completed = (await AppendAsync(run.RunId, new WaitCompleted(), "wait_a")).Wait!;
        Assert.Equal(WaitStatus.Completed, completed.Status);
        Assert.Equal(Clock.GetUtcNow(), completed.CompletedAt);

        var error = await Assert.ThrowsAsync<EntityConflictException>(() => AppendAsync(run.RunId, new WaitCompleted(), "wait_a"));
        Assert.Equal(409, error.Status);
        Assert.Single((await ReadLogAsync(run.RunId)).Where(e => e.EventType == EventType.WaitCompleted));
    }

    [Fact]
    public async Task The_world_never_completes_a_wait_by_itself()
    {
        var run = await CreateStartedRunAsync();
        await AppendAsync(run.RunId, new WaitCreated(Clock.GetUtcNow().AddSeconds(1)), "wait_a");
        Clock.Advance(TimeSpan.FromDays(1));
        Assert.DoesNotContain(EventType.WaitCompleted, await ReadLogTypesAsync(run.RunId));
    }

    [Fact]
    public async Task Wait_completed_on_a_missing_wait_is_not_found()
    {
        var run = await CreateStartedRunAsync();
        var error = await Assert.ThrowsAsync<EntityNotFoundException>(() => AppendAsync(run.RunId, new WaitCompleted(), "wait_missing"));
        Assert.Equal(WorldErrorCodes.WaitNotFound, error.Code);
        Assert.Equal(404, error.Status);
    }

    [Theory]
    [InlineData(RunStatus.Completed)]
    [InlineData(RunStatus.Cancelled)]
    public async Task Ending_the_run_deletes_its_waits(RunStatus status)
    {
        var run = await CreateStartedRunAsync();
        await AppendAsync(run.RunId, new WaitCreated(Clock.GetUtcNow().AddHours(1)), "wait_a");
        await AppendAsync(run.RunId, status == RunStatus.Completed ? new RunCompleted(Bytes("x")) : new RunCancelled());
        await Assert.ThrowsAsync<EntityNotFoundException>(() => AppendAsync(run.RunId, new WaitCompleted(), "wait_a"));
    }

    [Fact]
    public async Task Waits_of_different_runs_with_the_same_correlation_id_are_independent()
    {
        var a = await CreateStartedRunAsync();
        var b = await CreateStartedRunAsync();
        await AppendAsync(a.RunId, new WaitCreated(Clock.GetUtcNow()), "wait_same");
        await AppendAsync(b.RunId, new WaitCreated(Clock.GetUtcNow()), "wait_same");
        await AppendAsync(a.RunId, new WaitCompleted(), "wait_same");
        Assert.Equal(WaitStatus.Completed, (await AppendAsync(b.RunId, new WaitCompleted(), "wait_same")).Wait!.Status);
    }
}
