namespace World;

/// <summary>One message of <see cref="IWorldQueue.EnqueueBatchAsync"/>.</summary>
/// <param name="Payload">The opaque payload.</param>
/// <param name="Options">Delay, idempotency key, priority, headers and budget, as for a single enqueue.</param>
public sealed record EnqueueRequest(ReadOnlyMemory<byte> Payload, EnqueueOptions? Options = null);
