namespace World;

/// <summary>
/// The queue holds <see cref="QueuePolicy.MaxBacklog"/> live messages already: the enqueue was refused whole, nothing
/// was written (429). Retryable: it succeeds once consumers have drained the backlog, so <see cref="WorldFaults"/>
/// classifies it as transient.
/// </summary>
public sealed class QueueFullException : WorldException
{
    /// <summary>Creates the exception.</summary>
    public QueueFullException(string queueName, long backlog, int maxBacklog)
        : base(WorldErrorCodes.QueueFull, 429, $"Queue '{queueName}' holds {backlog} live messages and accepts at most {maxBacklog}; retry once consumers have drained it.")
    {
        QueueName = queueName;
        Backlog = backlog;
        MaxBacklog = maxBacklog;
    }

    /// <summary>The queue.</summary>
    public string QueueName { get; }

    /// <summary>Its live messages when the enqueue was refused.</summary>
    public long Backlog { get; }

    /// <summary>Its limit.</summary>
    public int MaxBacklog { get; }
}
