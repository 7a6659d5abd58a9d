using World.Backends;

namespace World;

/// <summary>
/// The World's durable queue: at-least-once delivery of opaque messages to named queues, with leases, delays,
/// priorities, idempotency keys and a dead-letter store. Consumers normally use <c>World.Queue.QueueProcessor</c> (package World.Hosting),
/// which drives the claim/complete/fail primitives below with bounded concurrency, heartbeats and backoff.
/// </summary>
/// <remarks>
/// A claimed message carries a <see cref="QueueLease"/>; every settlement (<see cref="CompleteAsync"/>,
/// <see cref="ReleaseAsync"/>, <see cref="FailAsync"/>, <see cref="RenewAsync"/>) is fenced to that lease, so a worker
/// whose lease expired and was reclaimed can no longer change the message.
/// </remarks>
public interface IWorldQueue
{
    /// <summary>
    /// Enqueues a message. With an <see cref="EnqueueOptions.IdempotencyKey"/> that a live (pending or leased)
    /// message of the same queue already has, nothing is enqueued and that message's id is returned.
    /// </summary>
    /// <exception cref="QueueFullException">The queue is at its <see cref="QueuePolicy.MaxBacklog"/>; nothing was enqueued.</exception>
    Task<EnqueueResult> EnqueueAsync(string queueName, ReadOnlyMemory<byte> payload, EnqueueOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Enqueues many messages of one queue in one atomic write: either all of them are enqueued or, when any request
    /// is invalid, none is. The outcome is what enqueuing them one by one in list order would give (a repeated
    /// idempotency key returns the first message's id), and messages of equal priority and availability are
    /// delivered in list order. Returns one result per request, in order.
    /// </summary>
    /// <exception cref="WorldValidationException">A request is invalid or the batch exceeds <see cref="WorldLimits.MaxEnqueueBatch"/> messages; nothing was enqueued.</exception>
    /// <exception cref="PayloadTooLargeException">A payload exceeds <see cref="WorldLimits.MaxMessagePayloadBytes"/>; nothing was enqueued.</exception>
    /// <exception cref="QueueFullException">The new messages would take the queue beyond its <see cref="QueuePolicy.MaxBacklog"/>; nothing was enqueued.</exception>
    Task<IReadOnlyList<EnqueueResult>> EnqueueBatchAsync(string queueName, IReadOnlyList<EnqueueRequest> messages, CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases up to <see cref="ClaimRequest.MaxMessages"/> available messages of the named queues: highest priority
    /// first, then earliest availability, within each queue's <see cref="QueuePolicy"/> (nothing from a paused queue,
    /// never more leased than its concurrency caps, never more claims than its rate limit allows). Messages whose lease expired are reclaimed (their expiry counts as a
    /// failure; one that exhausts its attempts is dead-lettered instead of delivered).
    /// </summary>
    Task<IReadOnlyList<QueueMessage>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken = default);

    /// <summary>Acknowledges a message: it is removed. False when the lease is no longer current.</summary>
    Task<bool> CompleteAsync(QueueLease lease, CancellationToken cancellationToken = default);

    /// <summary>Extends a lease to now + <paramref name="leaseDuration"/> (heartbeat). False when the lease is no longer current.</summary>
    Task<bool> RenewAsync(QueueLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns a message for redelivery after <paramref name="delay"/> without counting a failure: a handler asking
    /// to run again later, or a consumer shutting down. False when the lease is no longer current.
    /// </summary>
    Task<bool> ReleaseAsync(QueueLease lease, TimeSpan delay, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a failed delivery: the message is retried after <see cref="QueueFailure.RetryDelay"/>, or moves to the
    /// dead-letter store once its failures reach its maximum attempts.
    /// </summary>
    Task<FailureOutcome> FailAsync(QueueLease lease, QueueFailure failure, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes when a message may have become available on one of the queues, or after <paramref name="timeout"/>.
    /// A hint only: callers claim afterwards and must not assume a message is there. A wake-up that arrived after the
    /// caller's last <see cref="ClaimAsync"/> of the same queues began ends the wait at once, so the claim-then-wait
    /// loop of a consumer never sleeps through a message enqueued between its claim and its wait.
    /// </summary>
    Task WaitForMessagesAsync(IReadOnlyCollection<string> queueNames, TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Lists dead letters, oldest first (by message id), optionally of one queue.</summary>
    Task<Page<DeadLetter>> ListDeadLettersAsync(DeadLetterQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Reads one dead letter with its payload.</summary>
    /// <exception cref="EntityNotFoundException">No dead letter has this id.</exception>
    Task<DeadLetter> GetDeadLetterAsync(string messageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends a dead letter back to its queue with the same message id and a fresh attempt budget, available now.
    /// </summary>
    /// <exception cref="EntityNotFoundException">No dead letter has this id.</exception>
    /// <exception cref="EntityConflictException">A live message of the queue holds the dead letter's idempotency key.</exception>
    Task ReplayDeadLetterAsync(string messageId, CancellationToken cancellationToken = default);

    /// <summary>Deletes dead letters: the given ids, or all of one queue when <paramref name="messageIds"/> is null. Returns how many.</summary>
    Task<int> PurgeDeadLettersAsync(string? queueName = null, IReadOnlyCollection<string>? messageIds = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts each queue's messages by state, with the age of its oldest ready message and its live consumers: the
    /// named queues in that order, or every queue that has messages, dead letters or consumers when
    /// <paramref name="queueNames"/> is null.
    /// </summary>
    /// <exception cref="WorldValidationException">A queue name is invalid, or more than <see cref="World.Backends.DispatchRules.MaxQueuesPerRequest"/> are named.</exception>
    Task<IReadOnlyList<QueueStats>> GetStatsAsync(IReadOnlyCollection<string>? queueNames = null, CancellationToken cancellationToken = default);

    /// <summary>Explains why one message is, or is not, running now (<see cref="DispatchReason"/>).</summary>
    /// <exception cref="WorldValidationException">The query is invalid.</exception>
    Task<DispatchStatus> GetDispatchStatusAsync(DispatchQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that a consumer listens on queues, with its capacity and load, until the report's time to live passes
    /// (consumers renew it while they run). Replaces the consumer's previous report.
    /// </summary>
    /// <exception cref="WorldValidationException">The report is invalid, or the World already knows <see cref="World.Backends.DispatchRules.MaxConsumers"/> other live consumers.</exception>
    Task ReportConsumerAsync(ConsumerReport report, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets a queue's flow control (concurrency caps, rate limit, pause, maximum backlog), enforced from the next claim
    /// or enqueue on, by every consumer and process. <see cref="QueuePolicy.Unlimited"/> removes every limit. A rate
    /// limit's bucket starts full each time a policy is set.
    /// </summary>
    /// <exception cref="WorldValidationException">The queue name or a limit is invalid.</exception>
    Task SetPolicyAsync(string queueName, QueuePolicy policy, CancellationToken cancellationToken = default);

    /// <summary>A queue's flow control; <see cref="QueuePolicy.Unlimited"/> when none was set.</summary>
    /// <exception cref="WorldValidationException">The queue name is invalid.</exception>
    Task<QueuePolicy> GetPolicyAsync(string queueName, CancellationToken cancellationToken = default);

    /// <summary>Forgets a consumer at once (it stopped cleanly). Nothing happens when it is unknown.</summary>
    Task RemoveConsumerAsync(string consumerId, CancellationToken cancellationToken = default);

    /// <summary>The consumers whose reports still hold, ordered by consumer id.</summary>
    Task<IReadOnlyList<QueueConsumer>> ListConsumersAsync(CancellationToken cancellationToken = default);
}
