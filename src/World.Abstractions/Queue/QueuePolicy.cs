namespace World;

/// <summary>
/// The flow control of one queue, enforced by the World at claim and enqueue time across every consumer and process
/// (<see cref="IWorldQueue.SetPolicyAsync"/>). The default, <see cref="Unlimited"/>, limits nothing. See docs/flow-control.md.
/// </summary>
public sealed record QueuePolicy
{
    /// <summary>No limits: the queue behaves as if it had no policy.</summary>
    public static QueuePolicy Unlimited { get; } = new();

    /// <summary>At most this many messages of the queue leased at once, over all consumers; null for no cap.</summary>
    public int? MaxConcurrency { get; init; }

    /// <summary>
    /// At most this many messages with the same <see cref="EnqueueOptions.ConcurrencyKey"/> leased at once (1 serializes
    /// each key); messages without a key are not capped by it. Null for no cap.
    /// </summary>
    public int? MaxConcurrencyPerKey { get; init; }

    /// <summary>At most this many claims of the queue's messages per period, over all consumers; null for no limit.</summary>
    public QueueRateLimit? RateLimit { get; init; }

    /// <summary>A paused queue accepts messages but no claim takes any of them until it is resumed.</summary>
    public bool Paused { get; init; }

    /// <summary>
    /// At most this many live messages (ready, delayed or leased); an enqueue that would add messages beyond it is
    /// refused whole with <see cref="QueueFullException"/>. Null for no limit.
    /// </summary>
    public int? MaxBacklog { get; init; }
}
