namespace World.Runtime;

/// <summary>
/// Thrown by a step to fail it at once, without retries. The workflow sees it again, on every replay, as a
/// <see cref="NonRetryableStepException"/> from the step's await, and may catch it.
/// </summary>
public class NonRetryableStepException : WorkflowException
{
    /// <summary>Creates the exception.</summary>
    public NonRetryableStepException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    internal NonRetryableStepException(string message, string stepName, StructuredError error)
        : base(message, error: error)
    {
        StepName = stepName;
    }

    /// <summary>The step that failed, when raised from the log.</summary>
    public string? StepName { get; }
}
