namespace World;

/// <summary>
/// A World: the pluggable backend of a durable-workflow runtime. Storage is a set of read-only projections of an
/// append-only, ULID-ordered event log whose only write is <see cref="IEventStore.CreateAsync"/>.
/// </summary>
public interface IWorld : IAsyncDisposable
{
    /// <summary>Workflow runs.</summary>
    IRunStore Runs { get; }

    /// <summary>Steps.</summary>
    IStepStore Steps { get; }

    /// <summary>The event log and the write path.</summary>
    IEventStore Events { get; }

    /// <summary>Live hooks.</summary>
    IHookStore Hooks { get; }

    /// <summary>The durable queue that carries workflow and step invocations.</summary>
    IWorldQueue Queue { get; }

    /// <summary>The run output streams.</summary>
    IWorldStreams Streams { get; }

    /// <summary>Schedules: cron and interval triggers that create runs exactly once per tick.</summary>
    ISchedules Schedules { get; }

    /// <summary>What this World supports beyond the required contract.</summary>
    WorldCapabilities Capabilities { get; }

    /// <summary>The highest spec version this World supports.</summary>
    int SpecVersion => SpecVersions.Current;

    /// <summary>Starts background work (connections, listeners, recovery). Idempotent.</summary>
    Task StartAsync(CancellationToken cancellationToken = default);
}
