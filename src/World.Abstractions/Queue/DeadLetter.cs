namespace World;

/// <summary>A message that exhausted its attempts, kept for inspection, replay or purge.</summary>
public sealed record DeadLetter
{
    /// <summary>The message id (kept on replay).</summary>
    public required string MessageId { get; init; }

    /// <summary>The queue it came from.</summary>
    public required string QueueName { get; init; }

    /// <summary>The payload; null in listings, present from <see cref="IWorldQueue.GetDeadLetterAsync"/>.</summary>
    public ReadOnlyMemory<byte>? Payload { get; init; }

    /// <summary>Headers given at enqueue time.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The priority it was enqueued with.</summary>
    public required int Priority { get; init; }

    /// <summary>Its idempotency key, if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The concurrency key it was enqueued with (<see cref="EnqueueOptions.ConcurrencyKey"/>), if any.</summary>
    public string? ConcurrencyKey { get; init; }

    /// <summary>How many deliveries were made.</summary>
    public required int Attempts { get; init; }

    /// <summary>How many of them failed.</summary>
    public required int Failures { get; init; }

    /// <summary>Its failure budget.</summary>
    public required int MaxAttempts { get; init; }

    /// <summary>Why it died: the last failure.</summary>
    public required StructuredError Reason { get; init; }

    /// <summary>When it was first enqueued.</summary>
    public required DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>When it was dead-lettered.</summary>
    public required DateTimeOffset DeadLetteredAt { get; init; }
}
