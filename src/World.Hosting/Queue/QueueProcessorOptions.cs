namespace World.Queue;

/// <summary>Options of <see cref="QueueProcessor"/>.</summary>
public sealed record QueueProcessorOptions
{
    /// <summary>The queues to consume.</summary>
    public required IReadOnlyCollection<string> Queues { get; init; }

    /// <summary>The most handlers running at once in this process.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>How long a delivery is leased; renewed every <see cref="HeartbeatInterval"/> while the handler runs.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a running handler's lease is renewed; well under <see cref="LeaseDuration"/>.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest idle wait before claiming again when no wake-up arrives (the polling floor).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Backoff after a handler failure.</summary>
    public RetryBackoff Backoff { get; init; } = new();

    /// <summary>How long shutdown waits for running handlers before cancelling them and releasing their messages.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a cancelled handler (shutdown past <see cref="ShutdownTimeout"/>) may take to return before the
    /// processor stops waiting for it and releases its message. A handler that ignores its token would otherwise hold
    /// shutdown, and its message, forever.
    /// </summary>
    public TimeSpan CancellationGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The first delay before retrying a failed claim or settlement; later delays grow exponentially with jitter up to
    /// <see cref="FaultRetryMaxDelay"/>.
    /// </summary>
    public TimeSpan FaultRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The longest delay between retries of a failing claim. Short, so that consumers resume within seconds of the
    /// backend coming back; the circuit breaker keeps a failing backend from being hammered meanwhile.
    /// </summary>
    public TimeSpan FaultRetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long claiming pauses once the circuit breaker opens after consecutive claim failures.</summary>
    public TimeSpan CircuitBreakDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the processor reports itself to the World as a live consumer (<see cref="IWorldQueue.ReportConsumerAsync"/>),
    /// with a time to live of three intervals, and, while the <c>world.queue.messages</c> gauges are collected, reads
    /// its queues' backlog (<see cref="IWorldQueue.GetStatsAsync"/>). A crashed processor stops counting as a consumer
    /// of its queues within three intervals.
    /// </summary>
    public TimeSpan PresenceInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The lease owner recorded on claimed messages, and the consumer id the processor reports itself under.</summary>
    public string Owner { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
}
