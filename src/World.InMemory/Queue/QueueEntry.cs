using World.Backends;

namespace World.InMemory.Queue;

/// <summary>A live message of the in-memory queue. Mutated only under the queue's lock, and only while it is in no sorted set.</summary>
internal sealed class QueueEntry(World.Backends.PreparedMessage message)
{
    public World.Backends.PreparedMessage Message { get; } = message;

    public string MessageId => Message.MessageId;

    public DateTimeOffset AvailableAt { get; set; } = message.AvailableAt;

    public int Attempt { get; set; }

    public int Failures { get; set; }

    public StructuredError? LastError { get; set; }

    public string? LeaseId { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTimeOffset LeaseExpiresAt { get; set; }

    /// <summary>A coalescing enqueue met the message while leased: deliver it again once the holder settles it.</summary>
    public bool Rerun { get; set; }

    /// <summary>Delivery order among available messages: highest priority, then earliest availability, then id.</summary>
    public static IComparer<QueueEntry> ReadyOrder { get; } = Comparer<QueueEntry>.Create(static (a, b) =>
    {
        var byPriority = b.Message.Priority.CompareTo(a.Message.Priority);
        if (byPriority != 0)
        {
            return byPriority;
        }

        var byTime = a.AvailableAt.CompareTo(b.AvailableAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.MessageId, b.MessageId);
    });

    /// <summary>Reclaim order among leased messages: earliest expiry first.</summary>
    public static IComparer<QueueEntry> ExpiryOrder { get; } = Comparer<QueueEntry>.Create(static (a, b) =>
    {
        var byExpiry = a.LeaseExpiresAt.CompareTo(b.LeaseExpiresAt);
        return byExpiry != 0 ? byExpiry : string.CompareOrdinal(a.MessageId, b.MessageId);
    });

    public QueueMessage ToMessage() => Message.ToMessage(Attempt, Failures, new QueueLease(MessageId, LeaseId!, LeaseExpiresAt));

    public DeadLetter ToDeadLetter(StructuredError reason, DateTimeOffset now) => Message.ToDeadLetter(Attempt, Failures, reason, now);
}
