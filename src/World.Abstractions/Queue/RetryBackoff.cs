namespace World;

/// <summary>Exponential backoff with jitter and a cap: the delay before delivery n+1 after n failures.</summary>
public sealed record RetryBackoff
{
    /// <summary>The delay after the first failure.</summary>
    public TimeSpan Initial { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay.</summary>
    public TimeSpan Max { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Growth per failure.</summary>
    public double Multiplier { get; init; } = 2;

    /// <summary>The fraction of the delay randomized (± half of it each way), so failed messages do not retry in lockstep.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>The delay after <paramref name="failures"/> failures (1 = the first).</summary>
    public TimeSpan DelayFor(int failures, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        var exponential = Initial.TotalMilliseconds * Math.Pow(Multiplier, Math.Min(failures - 1, 60));
        var capped = Math.Min(exponential, Max.TotalMilliseconds);
        var jittered = capped * (1 + (Jitter * ((random ?? Random.Shared).NextDouble() - 0.5)));
        return TimeSpan.FromMilliseconds(Math.Clamp(jittered, 0, Max.TotalMilliseconds));
    }
}
