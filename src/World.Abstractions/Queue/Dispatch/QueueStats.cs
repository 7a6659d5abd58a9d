namespace World;

/// <summary>
/// One queue's backlog as of <see cref="AsOf"/>: counts by state, the age of its oldest ready message and its live
/// consumers. Counts are exact at the time they were read; on PostgreSQL they cost one scan of the live-message table.
/// </summary>
public sealed record QueueStats
{
    /// <summary>The queue.</summary>
    public required string QueueName { get; init; }

    /// <summary>Messages available now and not leased.</summary>
    public required long Ready { get; init; }

    /// <summary>Messages not available before a later time (delays, retry backoff, sleeps).</summary>
    public required long Delayed { get; init; }

    /// <summary>Messages leased by a consumer whose lease still runs.</summary>
    public required long Running { get; init; }

    /// <summary>Messages whose lease lapsed; the next claim reclaims them.</summary>
    public required long LeaseExpired { get; init; }

    /// <summary>Dead letters of the queue.</summary>
    public required long DeadLettered { get; init; }

    /// <summary>When the oldest ready message became available; null when none is ready.</summary>
    public DateTimeOffset? OldestReadyAt { get; init; }

    /// <summary>How long the oldest ready message has waited; zero when none is ready.</summary>
    public TimeSpan OldestReadyAge => OldestReadyAt is { } at && at < AsOf ? AsOf - at : TimeSpan.Zero;

    /// <summary>Live consumers listening on the queue.</summary>
    public required int Consumers { get; init; }

    /// <summary>Their total capacity (handlers they may run at once).</summary>
    public required int Capacity { get; init; }

    /// <summary>Their handlers running when they last reported.</summary>
    public required int InFlight { get; init; }

    /// <summary>
    /// Why the <see cref="Ready"/> messages wait: the queue's policy holding all of them back
    /// (<see cref="DispatchReason.Paused"/>, <see cref="DispatchReason.QueueAtConcurrencyLimit"/>,
    /// <see cref="DispatchReason.RateLimited"/>), else <see cref="DispatchReason.Ready"/> (a consumer has a free slot),
    /// <see cref="DispatchReason.NoConsumer"/> or <see cref="DispatchReason.ConsumersAtCapacity"/>.
    /// </summary>
    public required DispatchReason ReadyReason { get; init; }

    /// <summary>The World's time the counts were read at.</summary>
    public required DateTimeOffset AsOf { get; init; }
}
