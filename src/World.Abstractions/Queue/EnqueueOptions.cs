namespace World;

/// <summary>Options of <see cref="IWorldQueue.EnqueueAsync"/>.</summary>
public sealed record EnqueueOptions
{
    /// <summary>The defaults: available now, priority 0, <see cref="DefaultMaxAttempts"/> attempts.</summary>
    public static EnqueueOptions Default { get; } = new();

    /// <summary>The default failure budget of a message.</summary>
    public const int DefaultMaxAttempts = 10;

    /// <summary>Deliver no earlier than now + this delay. Durable: a restart neither loses nor shortens it.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>While a live message of the queue has this key, enqueuing again returns that message instead.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>
    /// With an <see cref="IdempotencyKey"/>, merge into the live message that holds the key instead of being dropped:
    /// a pending message becomes available no later than this enqueue would make it, and a leased message is
    /// delivered once more as soon as its holder completes or releases it. A wake-up signal sent while a handler is
    /// already running is therefore never lost, and there is still at most one live message per key.
    /// </summary>
    public bool Coalesce { get; init; }

    /// <summary>
    /// The key <see cref="QueuePolicy.MaxConcurrencyPerKey"/> counts by, e.g. a tenant or customer id: at most that many
    /// messages with the same key run at once. Null: the message is capped only by the queue's limits.
    /// </summary>
    public string? ConcurrencyKey { get; init; }

    /// <summary>Higher is delivered first among available messages; default 0.</summary>
    public int Priority { get; init; }

    /// <summary>Transport headers (e.g. trace context) handed to the handler with the message.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>How many failed deliveries (handler errors or expired leases) move the message to the dead-letter store.</summary>
    public int MaxAttempts { get; init; } = DefaultMaxAttempts;
}
