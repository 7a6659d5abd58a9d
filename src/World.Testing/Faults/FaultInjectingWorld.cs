namespace World.Testing.Faults;

/// <summary>A World whose queue and schedules are behind fault scripts; everything else is the inner World's.</summary>
public sealed class FaultInjectingWorld : IWorld
{
    private readonly IWorld _inner;

    /// <summary>Wraps <paramref name="inner"/>; disposing this World disposes it.</summary>
    public FaultInjectingWorld(IWorld inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        FaultyQueue = new FaultInjectingQueue(inner.Queue);
        FaultySchedules = new FaultInjectingSchedules(inner.Schedules);
    }

    /// <summary>The schedules with their fault scripts.</summary>
    public FaultInjectingSchedules FaultySchedules { get; }

    /// <summary>The queue with its fault scripts.</summary>
    public FaultInjectingQueue FaultyQueue { get; }

    /// <inheritdoc />
    public IRunStore Runs => _inner.Runs;

    /// <inheritdoc />
    public IStepStore Steps => _inner.Steps;

    /// <inheritdoc />
    public IEventStore Events => _inner.Events;

    /// <inheritdoc />
    public IHookStore Hooks => _inner.Hooks;

    /// <inheritdoc />
    public IWorldQueue Queue => FaultyQueue;

    /// <inheritdoc />
    public IWorldStreams Streams => _inner.Streams;

    /// <inheritdoc />
    public ISchedules Schedules => FaultySchedules;

    /// <inheritdoc />
    public WorldCapabilities Capabilities => _inner.Capabilities;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken = default) => _inner.StartAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
