namespace World;

/// <summary>Why one message is, or is not, running, as of <see cref="AsOf"/>.</summary>
public sealed record DispatchStatus
{
    /// <summary>The reason.</summary>
    public required DispatchReason Reason { get; init; }

    /// <summary><see cref="Reason"/> as its stable code (<see cref="DispatchReasons.ToCode"/>).</summary>
    public string Code => Reason.ToCode();

    /// <summary>The message, unless <see cref="DispatchReason.NotFound"/>.</summary>
    public string? MessageId { get; init; }

    /// <summary>Its queue, unless <see cref="DispatchReason.NotFound"/>.</summary>
    public string? QueueName { get; init; }

    /// <summary>
    /// When the reason ends by itself: the availability time of a <see cref="DispatchReason.Delayed"/> message, the
    /// lease expiry of a <see cref="DispatchReason.Running"/> one, the next token of a <see cref="DispatchReason.RateLimited"/> one.
    /// </summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>The message's concurrency key (<see cref="EnqueueOptions.ConcurrencyKey"/>), if any.</summary>
    public string? ConcurrencyKey { get; init; }

    /// <summary>The owner of the lease (<see cref="ClaimRequest.Owner"/>) of a running or lapsed message.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>Deliveries made so far.</summary>
    public int Attempt { get; init; }

    /// <summary>Deliveries that failed so far.</summary>
    public int Failures { get; init; }

    /// <summary>When the message was enqueued.</summary>
    public DateTimeOffset? EnqueuedAt { get; init; }

    /// <summary>The World's time the answer was computed at.</summary>
    public required DateTimeOffset AsOf { get; init; }

    /// <summary>One sentence for people, e.g. "No consumer listens on queue 'orders'."; never contains the payload.</summary>
    public required string Description { get; init; }
}
