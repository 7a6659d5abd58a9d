using World.Backends;

namespace World.Naive.Tests;

/// <summary>
/// A deliberately naive third World: plain dictionaries under one lock, written with only the backend SPI (the shared
/// <see cref="EventWriter"/>, <see cref="ReadRules"/>, <see cref="World.Backends.QueueRules"/> and
/// <see cref="World.Backends.StreamRules"/>). If it passes the whole kit, the SPI is sufficient for a new backend.
/// </summary>
public sealed class NaiveWorld : IWorld
{
    /// <summary>Creates an empty naive World on the given clock.</summary>
    public NaiveWorld(TimeProvider timeProvider)
    {
        var state = new NaiveState(new EventRules(), timeProvider);
        var stores = new NaiveStores(state);
        Runs = stores;
        Steps = stores;
        Events = stores;
        Hooks = stores;
        Queue = new NaiveQueue(state);
        Streams = new NaiveStreams(state);
        Schedules = new NaiveSchedules(state);
    }

    public IRunStore Runs { get; }

    public IStepStore Steps { get; }

    public IEventStore Events { get; }

    public IHookStore Hooks { get; }

    public IWorldQueue Queue { get; }

    public IWorldStreams Streams { get; }

    public ISchedules Schedules { get; }

    public WorldCapabilities Capabilities { get; } = WorldCapabilities.None;

    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
