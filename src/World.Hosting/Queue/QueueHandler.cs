namespace World.Queue;

/// <summary>
/// Processes one delivery. Return <see cref="QueueHandlerResult.Complete"/> or a redelivery; throw to fail the
/// delivery (retried with backoff until the message's attempts are spent). The token is cancelled when the lease is
/// lost or the consumer's shutdown grace period ends.
/// </summary>
public delegate ValueTask<QueueHandlerResult> QueueHandler(QueueMessage message, CancellationToken cancellationToken);
