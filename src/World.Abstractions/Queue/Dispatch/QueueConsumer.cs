namespace World;

/// <summary>A consumer a World knows to be listening: what it last reported, and until when the report holds.</summary>
/// <param name="ConsumerId">The consumer (see <see cref="ConsumerReport.ConsumerId"/>).</param>
/// <param name="QueueNames">The queues it claims from.</param>
/// <param name="Capacity">How many handlers it may run at once.</param>
/// <param name="InFlight">How many it ran when it reported.</param>
/// <param name="ReportedAt">When it reported (World clock).</param>
/// <param name="ExpiresAt">When the report lapses unless renewed; a crashed consumer disappears at this time.</param>
public sealed record QueueConsumer(
    string ConsumerId,
    IReadOnlyList<string> QueueNames,
    int Capacity,
    int InFlight,
    DateTimeOffset ReportedAt,
    DateTimeOffset ExpiresAt);
