namespace World;

/// <summary>The right to settle one delivery of a message: valid until it expires or the message is reclaimed.</summary>
/// <param name="MessageId">The message.</param>
/// <param name="LeaseId">Unique per claim; settlements must present it.</param>
/// <param name="ExpiresAt">When the lease lapses unless renewed.</param>
public sealed record QueueLease(string MessageId, string LeaseId, DateTimeOffset ExpiresAt);
