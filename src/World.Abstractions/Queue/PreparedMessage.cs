namespace World.Queue;

/// <summary>An enqueue request that passed <see cref="QueueRules.PrepareEnqueue"/>: validated, with its id and times set.</summary>
public sealed record PreparedMessage
{
    /// <summary>The new message's id.</summary>
    public required string MessageId { get; init; }

    /// <summary>The queue.</summary>
    public required string QueueName { get; init; }

    /// <summary>The payload (a private copy).</summary>
    public required ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Headers, never null.</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The priority.</summary>
    public required int Priority { get; init; }

    /// <summary>The idempotency key, if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Whether a duplicate merges into the live message (<see cref="EnqueueOptions.Coalesce"/>).</summary>
    public bool Coalesce { get; init; }

    /// <summary>The failure budget.</summary>
    public required int MaxAttempts { get; init; }

    /// <summary>When it was enqueued.</summary>
    public required DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>When it may first be delivered.</summary>
    public required DateTimeOffset AvailableAt { get; init; }
}
