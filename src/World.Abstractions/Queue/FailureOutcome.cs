namespace World;

/// <summary>What <see cref="IWorldQueue.FailAsync"/> did.</summary>
public enum FailureOutcome
{
    /// <summary>The message will be delivered again after the retry delay.</summary>
    Retrying,

    /// <summary>The failure budget is spent: the message is in the dead-letter store.</summary>
    DeadLettered,

    /// <summary>The lease was no longer current; nothing changed.</summary>
    LeaseLost,
}
