namespace World;

/// <summary>The outcome of <see cref="IWorldQueue.EnqueueAsync"/>.</summary>
/// <param name="MessageId">The message's id, stable across redeliveries.</param>
/// <param name="Duplicate">Whether a live message with the same idempotency key was found and nothing was enqueued.</param>
public sealed record EnqueueResult(string MessageId, bool Duplicate);
