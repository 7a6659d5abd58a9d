using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>
/// What a backend reads about one message for <see cref="DispatchRules.Explain(QueueMessageState?, IReadOnlyCollection{QueueConsumer}, DateTimeOffset)"/>: a live message, or a dead letter
/// when <see cref="DeadLetteredAt"/> is set.
/// </summary>
/// <param name="MessageId">The message.</param>
/// <param name="QueueName">Its queue.</param>
/// <param name="AvailableAt">When it is (or was) available; for a dead letter, when it died.</param>
/// <param name="LeaseOwner">The consumer holding its lease, null when not leased.</param>
/// <param name="LeaseExpiresAt">When that lease lapses, null when not leased.</param>
/// <param name="Attempt">Deliveries so far.</param>
/// <param name="Failures">Failed deliveries so far.</param>
/// <param name="EnqueuedAt">When it was enqueued.</param>
/// <param name="DeadLetteredAt">When it was dead-lettered; null for a live message.</param>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public sealed record QueueMessageState(
    string MessageId,
    string QueueName,
    DateTimeOffset AvailableAt,
    string? LeaseOwner,
    DateTimeOffset? LeaseExpiresAt,
    int Attempt,
    int Failures,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset? DeadLetteredAt)
{
    /// <summary>Its concurrency key, if any (flow control explains a message held back by its key).</summary>
    public string? ConcurrencyKey { get; init; }
}
