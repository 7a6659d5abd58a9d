namespace World.Queue;

/// <summary>How well a <see cref="QueueProcessor"/> is doing, for health checks.</summary>
public enum QueueProcessorState
{
    /// <summary>Its last claim succeeded.</summary>
    Healthy,

    /// <summary>Claims fail for a reason that passes by itself (database unreachable, restarting, timing out); it retries with backoff.</summary>
    Degraded,

    /// <summary>Claims fail for a reason an operator must fix (schema not migrated, permissions) or an unexpected error; it keeps retrying slowly.</summary>
    Unhealthy,
}
