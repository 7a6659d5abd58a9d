namespace World;

/// <summary>
/// Why a message is, or is not, running now. One closed set, used by <see cref="IWorldQueue.GetDispatchStatusAsync"/>,
/// by the <c>world.queue.messages</c> gauge (label <c>world.dispatch.reason</c>, see <see cref="DispatchReasons.ToCode"/>)
/// and by operator tools, so every surface explains blocked work in the same words.
/// </summary>
/// <remarks>New reasons are only ever added (flow control adds its own); codes never change meaning.</remarks>
public enum DispatchReason
{
    /// <summary>
    /// No live message and no dead letter matches: it was completed (acknowledged), purged, or never enqueued.
    /// </summary>
    NotFound,

    /// <summary>
    /// Available now and at least one live consumer of its queue has a free slot: the next claim takes it, in
    /// priority and availability order.
    /// </summary>
    Ready,

    /// <summary>
    /// Not available before <see cref="DispatchStatus.Until"/>: a delay asked for at enqueue, a retry backoff, or a
    /// redelivery the handler asked for (a workflow's sleep).
    /// </summary>
    Delayed,

    /// <summary>Leased by <see cref="DispatchStatus.LeaseOwner"/>, whose lease runs until <see cref="DispatchStatus.Until"/>.</summary>
    Running,

    /// <summary>
    /// Its lease lapsed without settlement (the consumer crashed or lost the database): the next claim of its queue
    /// reclaims it, counting one failure.
    /// </summary>
    LeaseExpired,

    /// <summary>Available, but no live consumer listens on its queue (no worker started, or all stopped or crashed).</summary>
    NoConsumer,

    /// <summary>Available, and consumers listen on its queue, but every one of them is running as many handlers as it may.</summary>
    ConsumersAtCapacity,

    /// <summary>Its failure budget is spent: it waits in the dead-letter store for an operator to replay or purge it.</summary>
    DeadLettered,

    /// <summary>Available, but its queue is paused (<see cref="QueuePolicy.Paused"/>): no claim takes it until the queue is resumed.</summary>
    Paused,

    /// <summary>
    /// Available, but its queue already has <see cref="QueuePolicy.MaxConcurrency"/> messages leased: a claim takes it
    /// once one of them settles or its lease lapses.
    /// </summary>
    QueueAtConcurrencyLimit,

    /// <summary>
    /// Available, but <see cref="QueuePolicy.MaxConcurrencyPerKey"/> messages with its concurrency key
    /// (<see cref="DispatchStatus.ConcurrencyKey"/>) are leased already: a claim takes it once one of them settles.
    /// </summary>
    KeyAtConcurrencyLimit,

    /// <summary>Available, but its queue's rate limit (<see cref="QueuePolicy.RateLimit"/>) has no token before <see cref="DispatchStatus.Until"/>.</summary>
    RateLimited,
}
