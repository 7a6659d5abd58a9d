using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace World.Testing;

/// <summary>
/// The helpers and the per-test World lifetime every conformance suite shares. Suites derive from
/// <see cref="WorldTestBase{TFactory}"/>, which builds the World with the backend's <see cref="IWorldFactory"/>;
/// xUnit creates one instance per test, so each test gets a fresh World.
/// </summary>
/// <remarks>
/// Every World is driven by <see cref="Clock"/>, a fake clock that starts at <see cref="StartTime"/> and moves only
/// when a test advances it, so retry-after, waits and timeouts are tested without real waiting.
/// </remarks>
public abstract class WorldTestBase : IAsyncLifetime
{
    /// <summary>The fake clock's starting time.</summary>
    public static readonly DateTimeOffset StartTime = new(2026, 1, 15, 9, 0, 0, TimeSpan.Zero);

    private IWorld? _world;

    /// <summary>The clock every World under test must use for all of its timestamps.</summary>
    protected FakeTimeProvider Clock { get; } = new(StartTime);

    /// <summary>The World under test.</summary>
    protected IWorld World => _world ?? throw new InvalidOperationException("The World is created in InitializeAsync.");

    /// <summary>Cancelled when the test is aborted or times out.</summary>
    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>Builds a World with isolated (empty) state that reads time only from <paramref name="timeProvider"/>.</summary>
    protected abstract ValueTask<IWorld> CreateWorldAsync(TimeProvider timeProvider);

    /// <inheritdoc />
    public virtual async ValueTask InitializeAsync()
    {
        _world = await CreateWorldAsync(Clock);
        await _world.StartAsync(Cancellation);
    }

    /// <inheritdoc />
    public virtual async ValueTask DisposeAsync()
    {
        if (_world is not null)
        {
            await _world.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Skips the test with a reason unless the World declares the capability.</summary>
    protected void RequireCapability(Func<WorldCapabilities, bool> capability, string name)
    {
        ArgumentNullException.ThrowIfNull(capability);
        if (!capability(World.Capabilities))
        {
            Assert.Skip($"The World under test does not declare the '{name}' capability.");
        }
    }

    /// <summary>UTF-8 bytes of a string.</summary>
    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A fresh id with the given prefix at the fake clock's time.</summary>
    protected string NewId(string prefix) => WorldIds.New(prefix, Clock.GetUtcNow());

    /// <summary>Asserts that a payload is present and equal, byte for byte, to <paramref name="expected"/>.</summary>
    protected static void AssertPayload(byte[] expected, ReadOnlyMemory<byte>? actual)
    {
        Assert.True(actual.HasValue, "expected a payload, found none");
        Assert.Equal(expected, actual.Value.ToArray());
    }

    /// <summary>Appends an event.</summary>
    protected Task<EventResult> AppendAsync(string? runId, EventData data, string? correlationId = null, CreateEventOptions? options = null) =>
        World.Events.CreateAsync(runId, new EventRequest(data, correlationId), options, Cancellation);

    /// <summary>Creates a pending run.</summary>
    protected async Task<WorkflowRun> CreateRunAsync(string workflowName = "workflow//sample", byte[]? input = null, string? runId = null)
    {
        var result = await AppendAsync(runId, new RunCreated("dpl_test", workflowName, input ?? Bytes("[]")));
        return result.Run!;
    }

    /// <summary>Creates and starts a run.</summary>
    protected async Task<WorkflowRun> CreateStartedRunAsync(string workflowName = "workflow//sample")
    {
        var run = await CreateRunAsync(workflowName);
        return (await AppendAsync(run.RunId, new RunStarted())).Run!;
    }

    /// <summary>A started run driven to the given terminal status.</summary>
    protected async Task<WorkflowRun> EndedRunAsync(RunStatus status)
    {
        var run = await CreateStartedRunAsync();
        return (await AppendAsync(run.RunId, TerminalEvent(status))).Run!;
    }

    /// <summary>The run event that moves a run to the given terminal status.</summary>
    protected static EventData TerminalEvent(RunStatus status) => status switch
    {
        RunStatus.Completed => new RunCompleted(Bytes("out")),
        RunStatus.Failed => new RunFailed(new StructuredError("boom")),
        RunStatus.Cancelled => new RunCancelled(),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a terminal status."),
    };

    /// <summary>Creates a pending step in a run.</summary>
    protected async Task<Step> CreateStepAsync(string runId, string? stepId = null, byte[]? input = null)
    {
        var result = await AppendAsync(runId, new StepCreated("step//sample", input ?? Bytes("[1]")), stepId ?? NewId(IdPrefixes.Step));
        return result.Step!;
    }

    /// <summary>Creates and starts a step.</summary>
    protected async Task<Step> CreateRunningStepAsync(string runId, string? stepId = null)
    {
        var step = await CreateStepAsync(runId, stepId);
        return (await AppendAsync(runId, new StepStarted(), step.StepId)).Step!;
    }

    /// <summary>Creates a hook with a fresh token.</summary>
    protected async Task<Hook> CreateHookAsync(string runId, string? token = null, string? hookId = null, byte[]? metadata = null)
    {
        var result = await AppendAsync(runId, new HookCreated(token ?? NewId("tok_"), metadata), hookId ?? NewId(IdPrefixes.Hook));
        return result.Hook ?? throw new InvalidOperationException($"hook_created yielded {result.Event?.EventType.ToWireName()}");
    }

    /// <summary>Reads a run's whole log in commit order.</summary>
    protected async Task<IReadOnlyList<WorldEvent>> ReadLogAsync(string runId, ResolveData resolveData = ResolveData.All)
    {
        var events = new List<WorldEvent>();
        string? cursor = null;
        do
        {
            var page = await World.Events.ListAsync(
                new EventQuery(runId) { Page = new PageRequest { Cursor = cursor, Limit = PageRequest.MaxLimit }, ResolveData = resolveData },
                Cancellation);
            events.AddRange(page.Data);
            cursor = page.HasMore ? page.Cursor : null;
        }
        while (cursor is not null);

        return events;
    }

    /// <summary>The event types of a run's log in commit order.</summary>
    protected async Task<IReadOnlyList<EventType>> ReadLogTypesAsync(string runId) =>
        (await ReadLogAsync(runId)).Select(e => e.EventType).ToList();

    /// <summary>
    /// Runs <paramref name="count"/> operations in parallel, each on its own thread, released together by a barrier
    /// so they really contend. A <see cref="WorldException"/> is an outcome; any other exception fails the test.
    /// </summary>
    protected static async Task<IReadOnlyList<Outcome<T>>> RaceAsync<T>(int count, Func<int, Task<T>> operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        using var barrier = new Barrier(count);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Factory.StartNew(
            async () =>
            {
                // Dedicated threads: blocking thread-pool threads on a barrier would starve the pool.
                if (!barrier.SignalAndWait(TimeSpan.FromSeconds(30)))
                {
                    throw new TimeoutException("Racers did not reach the starting line.");
                }

                try
                {
                    return new Outcome<T>(await operation(i), null);
                }
                catch (WorldException error)
                {
                    return new Outcome<T>(default, error);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap()).ToArray();
        return await Task.WhenAll(tasks);
    }
}
