namespace World.Runtime;

/// <summary>
/// Workflow code ran longer than <see cref="WorkflowRuntimeOptions.DeadlockTimeout"/> without yielding: it blocks
/// (<c>Task.Wait</c>, <c>.Result</c>, <c>Thread.Sleep</c>, a lock) instead of awaiting the context's operations. The
/// invocation is abandoned and counts as a failed delivery.
/// </summary>
public sealed class WorkflowDeadlockException : WorkflowException
{
    /// <summary>Creates the exception.</summary>
    public WorkflowDeadlockException(string runId, TimeSpan timeout)
        : base($"Workflow code of run {runId} did not yield within {timeout.TotalSeconds:0.###} s: it blocks (Task.Wait, .Result, Thread.Sleep, a lock or a deadlock) instead of awaiting the workflow context's operations. The invocation was abandoned; its thread stays blocked.")
    {
        RunId = runId;
        Timeout = timeout;
    }

    /// <summary>The run whose code blocked.</summary>
    public string RunId { get; }

    /// <summary>The deadlock timeout that was exceeded.</summary>
    public TimeSpan Timeout { get; }
}
