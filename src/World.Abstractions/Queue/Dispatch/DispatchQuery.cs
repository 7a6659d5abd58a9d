namespace World;

/// <summary>
/// Which message <see cref="IWorldQueue.GetDispatchStatusAsync"/> explains: one message id, or the message of a queue
/// that holds an idempotency key (the workflow runtime keys a run's invocation by its run id).
/// </summary>
public sealed record DispatchQuery
{
    private DispatchQuery(string? messageId, string? queueName, string? idempotencyKey)
    {
        MessageId = messageId;
        QueueName = queueName;
        IdempotencyKey = idempotencyKey;
    }

    /// <summary>The message id, when asked by id.</summary>
    public string? MessageId { get; }

    /// <summary>The queue, when asked by idempotency key.</summary>
    public string? QueueName { get; }

    /// <summary>The idempotency key, when asked by key.</summary>
    public string? IdempotencyKey { get; }

    /// <summary>Asks about one message by id.</summary>
    public static DispatchQuery ForMessage(string messageId) => new(messageId, null, null);

    /// <summary>
    /// Asks about the live message of <paramref name="queueName"/> holding <paramref name="idempotencyKey"/> or, when
    /// none is live, the newest dead letter of that queue with the key.
    /// </summary>
    public static DispatchQuery ForKey(string queueName, string idempotencyKey) => new(null, queueName, idempotencyKey);
}
