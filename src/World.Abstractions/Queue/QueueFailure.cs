namespace World;

/// <summary>A failed delivery, reported to <see cref="IWorldQueue.FailAsync"/>.</summary>
/// <param name="Error">What went wrong (stored with the message and, if it dies, with the dead letter).</param>
/// <param name="RetryDelay">When to deliver again if attempts remain.</param>
public sealed record QueueFailure(StructuredError Error, TimeSpan RetryDelay);
