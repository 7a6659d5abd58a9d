namespace World;

/// <summary>A delivered message.</summary>
public sealed record QueueMessage
{
    /// <summary>The id, the same on every delivery of this message.</summary>
    public required string MessageId { get; init; }

    /// <summary>The queue it was enqueued to.</summary>
    public required string QueueName { get; init; }

    /// <summary>The payload, byte for byte as enqueued.</summary>
    public required ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Which delivery this is, from 1.</summary>
    public required int Attempt { get; init; }

    /// <summary>How many earlier deliveries failed (handler errors and expired leases).</summary>
    public required int Failures { get; init; }

    /// <summary>The failure budget: reaching it dead-letters the message.</summary>
    public required int MaxAttempts { get; init; }

    /// <summary>The priority it was enqueued with.</summary>
    public required int Priority { get; init; }

    /// <summary>The idempotency key it was enqueued with, if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The concurrency key it was enqueued with (<see cref="EnqueueOptions.ConcurrencyKey"/>), if any.</summary>
    public string? ConcurrencyKey { get; init; }

    /// <summary>Headers given at enqueue time.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>When it was enqueued.</summary>
    public required DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>The lease of this delivery.</summary>
    public required QueueLease Lease { get; init; }
}
