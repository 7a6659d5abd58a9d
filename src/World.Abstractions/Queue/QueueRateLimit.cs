namespace World;

/// <summary>
/// A token bucket: <paramref name="Limit"/> claims per <paramref name="Period"/> on average, and at most
/// <paramref name="Burst"/> at once after an idle spell. Each claimed message (a redelivery too) takes one token.
/// </summary>
/// <param name="Limit">Tokens added per period (at least 1).</param>
/// <param name="Period">The period (at least a millisecond, at most a day).</param>
/// <param name="Burst">The bucket's size (at least 1); the bucket starts full.</param>
public sealed record QueueRateLimit(int Limit, TimeSpan Period, int Burst);
