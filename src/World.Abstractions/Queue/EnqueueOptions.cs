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

    /// <summary>Higher is delivered first among available messages; default 0.</summary>
    public int Priority { get; init; }

    /// <summary>Transport headers (e.g. trace context) handed to the handler with the message.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>How many failed deliveries (handler errors or expired leases) move the message to the dead-letter store.</summary>
    public int MaxAttempts { get; init; } = DefaultMaxAttempts;
}
