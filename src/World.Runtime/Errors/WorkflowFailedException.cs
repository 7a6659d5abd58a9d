namespace World.Runtime;

/// <summary>The run ended failed; thrown by <see cref="WorkflowRunHandle{TOutput}.GetResultAsync"/>.</summary>
public sealed class WorkflowFailedException : WorkflowException
{
    internal WorkflowFailedException(string runId, StructuredError error)
        : base($"Run '{runId}' failed ({error.Code ?? "UNKNOWN"}): {error.Message}", error: error)
    {
        RunId = runId;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }

    /// <summary>The recorded error; <see cref="StructuredError.Code"/> is one of <see cref="RunErrorCodes"/>.</summary>
    public new StructuredError Error => base.Error!;
}
