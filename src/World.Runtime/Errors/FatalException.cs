namespace World.Runtime;

/// <summary>
/// Thrown by a step to fail it at once, without retries. The workflow sees it again, on every replay, as a
/// <see cref="FatalException"/> from the step's await, and may catch it.
/// </summary>
public class FatalException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FatalException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    internal FatalException(string message, string stepName, StructuredError error)
        : base(message)
    {
        StepName = stepName;
        Error = error;
    }

    /// <summary>The step that failed, when raised from the log.</summary>
    public string? StepName { get; }

    /// <summary>The recorded error (message and the step's stack trace), when raised from the log.</summary>
    public StructuredError? Error { get; }
}
