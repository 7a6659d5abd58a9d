namespace World;

/// <summary>The lifecycle status of a <see cref="WorkflowRun"/>.</summary>
public enum RunStatus
{
    /// <summary>Created, not yet started.</summary>
    Pending,

    /// <summary>Started by a <c>run_started</c> event.</summary>
    Running,

    /// <summary>Terminal: finished with an output.</summary>
    Completed,

    /// <summary>Terminal: finished with an error.</summary>
    Failed,

    /// <summary>Terminal: cancelled before it finished.</summary>
    Cancelled,
}
