using World.Queue;

namespace World.Runtime;

/// <summary>The retry policy of a step.</summary>
public sealed record StepOptions
{
    /// <summary>The defaults: 3 attempts, backoff from 1 s doubling to at most 1 min.</summary>
    public static StepOptions Default { get; } = new();

    /// <summary>How many attempts a step gets before it fails with <see cref="StepFailedException"/>; at least 1.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The delay before the next attempt after an exception that is not a <see cref="RetryStepException"/> with its own delay.</summary>
    public RetryBackoff Backoff { get; init; } = new() { Initial = TimeSpan.FromSeconds(1), Multiplier = 2, Max = TimeSpan.FromMinutes(1), Jitter = 0.2 };
}
