namespace World.Queue;

/// <summary>What a handler decided about a message it processed without throwing.</summary>
public sealed record QueueHandlerResult
{
    private QueueHandlerResult(TimeSpan? redeliverAfter)
    {
        RedeliverAfter = redeliverAfter;
    }

    /// <summary>Done: acknowledge and remove the message.</summary>
    public static QueueHandlerResult Complete { get; } = new(redeliverAfter: null);

    /// <summary>When set, deliver the same message again after this delay (not counted as a failure).</summary>
    public TimeSpan? RedeliverAfter { get; }

    /// <summary>Deliver the same message again after <paramref name="delay"/>: sleeps, polling, "run again now" (zero).</summary>
    public static QueueHandlerResult Redeliver(TimeSpan delay) => new(QueueRules.RequireDelay(delay, nameof(delay)));
}
