namespace World;

/// <summary>What a consumer reports about itself through <see cref="IWorldQueue.ReportConsumerAsync"/>.</summary>
/// <param name="ConsumerId">The consumer, unique per consumer loop; <c>QueueProcessor</c> (World.Hosting) reports its <see cref="ClaimRequest.Owner"/> followed by <c>#</c> and a random instance suffix, so processors sharing an owner name count separately.</param>
/// <param name="QueueNames">The queues it claims from.</param>
/// <param name="Capacity">How many handlers it may run at once (at least 1).</param>
/// <param name="InFlight">How many it runs now (0 to <paramref name="Capacity"/>).</param>
/// <param name="TimeToLive">How long the report holds unless renewed (positive, at most an hour).</param>
public sealed record ConsumerReport(string ConsumerId, IReadOnlyCollection<string> QueueNames, int Capacity, int InFlight, TimeSpan TimeToLive);
