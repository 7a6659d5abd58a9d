namespace World;

/// <summary>
/// The bounds every World enforces, for application code that sizes its requests (the backend SPI's rules read them
/// from here). A request beyond a bound is rejected with <see cref="WorldValidationException"/> or
/// <see cref="PayloadTooLargeException"/>.
/// </summary>
public static class WorldLimits
{
    /// <summary>The most messages one <see cref="IWorldQueue.EnqueueBatchAsync"/> may enqueue.</summary>
    public const int MaxEnqueueBatch = 1000;

    /// <summary>The largest payload a queue message may carry, in bytes (16 MiB).</summary>
    public const int MaxMessagePayloadBytes = 16 * 1024 * 1024;

    /// <summary>The most headers a queue message may carry.</summary>
    public const int MaxMessageHeaders = 64;

    /// <summary>The largest failure budget (<c>MaxAttempts</c>) of a queue message.</summary>
    public const int MaxMessageAttempts = 1000;

    /// <summary>The most messages one claim may lease.</summary>
    public const int MaxClaim = 1000;

    /// <summary>The most runs one <see cref="IEventStore.CreateRunsAsync"/> call may create.</summary>
    public const int MaxRunBatch = 1000;

    /// <summary>The most ids one <c>GetManyAsync</c> call may read.</summary>
    public const int MaxGetMany = 1000;

    /// <summary>The largest stream chunk, in bytes (16 MiB).</summary>
    public const int MaxStreamChunkBytes = 16 * 1024 * 1024;

    /// <summary>The most chunks of one <see cref="IWorldStreams.WriteManyAsync"/>.</summary>
    public const int MaxStreamChunksPerWrite = 1000;
}
