using World.InMemory.Queue;
using World.InMemory.Schedules;
using World.InMemory.Storage;
using World.InMemory.Streams;
using World.Backends;

namespace World.InMemory;

/// <summary>
/// A complete, thread-safe World held in process memory. Every write goes through the shared <see cref="EventRules"/>
/// under a per-run lock, with the same atomicity and uniqueness guarantees as the database backend: writers to
/// different runs never contend.
/// </summary>
public sealed class InMemoryWorld : IWorld
{
    private readonly InMemoryState _state;

    /// <summary>Creates an empty World.</summary>
    /// <param name="options">Bounds; defaults when null.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null. Tests pass a fake clock.</param>
    public InMemoryWorld(InMemoryWorldOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new InMemoryWorldOptions();
        _state = new InMemoryState(new EventRules(options.Rules), timeProvider ?? TimeProvider.System);
        Runs = new InMemoryRunStore(_state);
        Steps = new InMemoryStepStore(_state);
        Events = new InMemoryEventStore(_state);
        Hooks = new InMemoryHookStore(_state);
        Queue = new InMemoryQueue(_state);
        Streams = new InMemoryStreams(_state);
        Schedules = new InMemorySchedules(_state);
    }

    /// <inheritdoc />
    public IRunStore Runs { get; }

    /// <inheritdoc />
    public IStepStore Steps { get; }

    /// <inheritdoc />
    public IEventStore Events { get; }

    /// <inheritdoc />
    public IHookStore Hooks { get; }

    /// <inheritdoc />
    public IWorldQueue Queue { get; }

    /// <inheritdoc />
    public IWorldStreams Streams { get; }

    /// <inheritdoc />
    public ISchedules Schedules { get; }

    /// <inheritdoc />
    public WorldCapabilities Capabilities { get; } = WorldCapabilities.None;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        _state.ThrowIfDisposed();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _state.Dispose();
        return ValueTask.CompletedTask;
    }
}
