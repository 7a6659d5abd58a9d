using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>An enqueue request that passed <see cref="QueueRules.PrepareEnqueue"/>: validated, with its id and times set.</summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
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

    /// <summary>The concurrency key, if any.</summary>
    public string? ConcurrencyKey { get; init; }

    /// <summary>Whether a duplicate merges into the live message (<see cref="EnqueueOptions.Coalesce"/>).</summary>
    public bool Coalesce { get; init; }

    /// <summary>The failure budget.</summary>
    public required int MaxAttempts { get; init; }

    /// <summary>When it was enqueued.</summary>
    public required DateTimeOffset EnqueuedAt { get; init; }

    /// <summary>When it may first be delivered.</summary>
    public required DateTimeOffset AvailableAt { get; init; }

    /// <summary>The message as a consumer receives it on its <paramref name="attempt"/>-th delivery, under <paramref name="lease"/>.</summary>
    public QueueMessage ToMessage(int attempt, int failures, QueueLease lease) => new()
    {
        MessageId = MessageId,
        QueueName = QueueName,
        Payload = Payload,
        Attempt = attempt,
        Failures = failures,
        MaxAttempts = MaxAttempts,
        Priority = Priority,
        IdempotencyKey = IdempotencyKey,
        ConcurrencyKey = ConcurrencyKey,
        Headers = Headers,
        EnqueuedAt = EnqueuedAt,
        Lease = lease,
    };

    /// <summary>The dead letter of this message after <paramref name="attempts"/> deliveries and <paramref name="failures"/> failures.</summary>
    public DeadLetter ToDeadLetter(int attempts, int failures, StructuredError reason, DateTimeOffset now) => new()
    {
        MessageId = MessageId,
        QueueName = QueueName,
        Payload = Payload,
        Headers = Headers,
        Priority = Priority,
        IdempotencyKey = IdempotencyKey,
        ConcurrencyKey = ConcurrencyKey,
        Attempts = attempts,
        Failures = failures,
        MaxAttempts = MaxAttempts,
        Reason = reason,
        EnqueuedAt = EnqueuedAt,
        DeadLetteredAt = now,
    };
}
