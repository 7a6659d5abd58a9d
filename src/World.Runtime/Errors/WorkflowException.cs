namespace World.Runtime;

/// <summary>
/// The base of every exception the workflow runtime throws or understands: step failures (<see cref="RetryStepException"/>,
/// <see cref="NonRetryableStepException"/>, <see cref="StepFailedException"/>), run failures and replay errors. Catch it
/// to handle any of them; <see cref="Error"/> carries the recorded error when there is one.
/// </summary>
public abstract class WorkflowException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected WorkflowException(string message, Exception? innerException = null, StructuredError? error = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>The recorded error (message, stack, code) when the exception was raised from the log; otherwise null.</summary>
    public StructuredError? Error { get; }
}
