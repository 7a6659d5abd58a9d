namespace World;

/// <summary>
/// Which dead letters a bulk action (replay, purge) takes: the given ids, or the oldest ones of a queue (or of every
/// queue). The limit is required, so a bulk action never touches more than the caller asked for.
/// </summary>
public sealed record DeadLetterSelection
{
    /// <summary>Only dead letters of this queue.</summary>
    public string? QueueName { get; init; }

    /// <summary>Only these dead letters; null for the oldest of <see cref="QueueName"/>.</summary>
    public IReadOnlyCollection<string>? MessageIds { get; init; }

    /// <summary>The most dead letters the action takes: 1 to <see cref="PageRequest.MaxLimit"/>.</summary>
    public required int Limit { get; init; }
}
