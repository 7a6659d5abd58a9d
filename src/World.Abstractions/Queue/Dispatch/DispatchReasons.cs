namespace World;

/// <summary>The stable text codes of <see cref="DispatchReason"/>, as used in metric labels, JSON and operator tools.</summary>
public static class DispatchReasons
{
    /// <summary>The snake_case code of a reason: <c>ready</c>, <c>no_consumer</c>, <c>consumers_at_capacity</c>, ….</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined reason.</exception>
    public static string ToCode(this DispatchReason reason) => reason switch
    {
        DispatchReason.NotFound => "not_found",
        DispatchReason.Ready => "ready",
        DispatchReason.Delayed => "delayed",
        DispatchReason.Running => "running",
        DispatchReason.LeaseExpired => "lease_expired",
        DispatchReason.NoConsumer => "no_consumer",
        DispatchReason.ConsumersAtCapacity => "consumers_at_capacity",
        DispatchReason.DeadLettered => "dead_lettered",
        DispatchReason.Paused => "paused",
        DispatchReason.QueueAtConcurrencyLimit => "queue_at_concurrency_limit",
        DispatchReason.KeyAtConcurrencyLimit => "key_at_concurrency_limit",
        DispatchReason.RateLimited => "rate_limited",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a dispatch reason."),
    };
}
