namespace World;

/// <summary>What <see cref="IWorldQueue.ClaimAsync"/> leases.</summary>
/// <param name="QueueNames">The queues to take from.</param>
/// <param name="MaxMessages">At most this many: a consumer asks for its free slots, never more, so it never hoards.</param>
/// <param name="LeaseDuration">How long each lease lasts unless renewed.</param>
/// <param name="Owner">Who holds the leases (host, process, consumer), for operators.</param>
public sealed record ClaimRequest(IReadOnlyCollection<string> QueueNames, int MaxMessages, TimeSpan LeaseDuration, string Owner);
