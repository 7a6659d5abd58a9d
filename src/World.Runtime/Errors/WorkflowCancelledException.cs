namespace World.Runtime;

/// <summary>The run was cancelled; thrown by <see cref="WorkflowRunHandle{TOutput}.GetResultAsync"/>.</summary>
public sealed class WorkflowCancelledException : WorkflowException
{
    internal WorkflowCancelledException(string runId)
        : base($"Run '{runId}' was cancelled.")
    {
        RunId = runId;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }
}
