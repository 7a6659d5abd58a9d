namespace World.Runtime;

/// <summary>Thrown by a step to ask for another attempt, optionally no earlier than <see cref="RetryAfter"/> from now.</summary>
public class RetryStepException : WorkflowException
{
    /// <summary>Creates the exception.</summary>
    public RetryStepException(string message, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        if (retryAfter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, "retryAfter must not be negative.");
        }

        RetryAfter = retryAfter;
    }

    /// <summary>The least delay before the next attempt; null uses the step's backoff.</summary>
    public TimeSpan? RetryAfter { get; }
}
