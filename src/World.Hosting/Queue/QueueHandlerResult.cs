using World.Backends;

namespace World.Queue;

/// <summary>What a handler decided about a message it processed without throwing.</summary>
public sealed record QueueHandlerResult
{
    private QueueHandlerResult(TimeSpan? redeliverAfter, DateTimeOffset? redeliverAt = null)
    {
        RedeliverAfter = redeliverAfter;
        RedeliverAt = redeliverAt;
    }

    /// <summary>Done: acknowledge and remove the message.</summary>
    public static QueueHandlerResult Complete { get; } = new(redeliverAfter: null);

    /// <summary>When set, deliver the same message again after this delay (not counted as a failure).</summary>
    public TimeSpan? RedeliverAfter { get; }

    /// <summary>When set, deliver the same message again at this time (not counted as a failure).</summary>
    public DateTimeOffset? RedeliverAt { get; }

    /// <summary>
    /// Deliver the same message again at <paramref name="time"/> (at once if it has passed). Unlike a delay computed
    /// by the handler, the time is turned into a delay only when the message is released, after the heartbeat stops.
    /// </summary>
    public static QueueHandlerResult RedeliverWhen(DateTimeOffset time) => new(redeliverAfter: null, time);

    /// <summary>Deliver the same message again after <paramref name="delay"/>: sleeps, polling, "run again now" (zero).</summary>
    public static QueueHandlerResult Redeliver(TimeSpan delay) => new(QueueRules.RequireDelay(delay, nameof(delay)));
}
