namespace World.Runtime;

/// <summary>A child run failed or was cancelled.</summary>
public sealed class ChildWorkflowFailedException : WorkflowException
{
    internal ChildWorkflowFailedException(string childRunId, StructuredError error)
        : base($"Child run '{childRunId}' did not complete: {error.Message}", error: error)
    {
        ChildRunId = childRunId;
    }

    /// <summary>The child run.</summary>
    public string ChildRunId { get; }

    /// <summary>Why the child ended (its error, or a cancellation with code <c>CHILD_CANCELLED</c>).</summary>
    public new StructuredError Error => base.Error!;
}
