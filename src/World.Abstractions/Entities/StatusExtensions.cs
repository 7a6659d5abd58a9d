namespace World;

/// <summary>Terminal-state predicates shared by every backend and the runtime.</summary>
public static class StatusExtensions
{
    /// <summary>Whether a run in this status can no longer change (completed, failed or cancelled).</summary>
    public static bool IsTerminal(this RunStatus status) =>
        status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;

    /// <summary>Whether a step in this status can no longer change (completed, failed or cancelled).</summary>
    public static bool IsTerminal(this StepStatus status) =>
        status is StepStatus.Completed or StepStatus.Failed or StepStatus.Cancelled;
}
