namespace World.Queue;

/// <summary>A snapshot of a <see cref="QueueProcessor"/>'s health.</summary>
/// <param name="State">Healthy, degraded (transient faults) or unhealthy (configuration or unexpected faults).</param>
/// <param name="Description">What is wrong, for logs and health endpoints; never holds a connection string or payload.</param>
/// <param name="Since">When the processor entered <paramref name="State"/>.</param>
/// <param name="ConsecutiveFailures">Claims that failed in a row; 0 when healthy.</param>
/// <param name="CircuitOpen">Whether claiming is paused by the circuit breaker after repeated failures.</param>
/// <param name="AbandonedHandlers">Handlers that ignored cancellation past the grace period; their messages were released without them.</param>
public sealed record QueueProcessorHealth(
    QueueProcessorState State,
    string Description,
    DateTimeOffset Since,
    int ConsecutiveFailures,
    bool CircuitOpen,
    int AbandonedHandlers);
