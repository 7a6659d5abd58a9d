namespace World;

/// <summary>Every event type of the adopted contract profile. The wire name is the snake_case form (see <see cref="EventTypeNames"/>).</summary>
public enum EventType
{
    /// <summary><c>run_created</c></summary>
    RunCreated,

    /// <summary><c>run_started</c></summary>
    RunStarted,

    /// <summary><c>run_completed</c></summary>
    RunCompleted,

    /// <summary><c>run_failed</c></summary>
    RunFailed,

    /// <summary><c>run_cancelled</c></summary>
    RunCancelled,

    /// <summary><c>attr_set</c></summary>
    AttrSet,

    /// <summary><c>step_created</c></summary>
    StepCreated,

    /// <summary><c>step_started</c></summary>
    StepStarted,

    /// <summary><c>step_completed</c></summary>
    StepCompleted,

    /// <summary><c>step_failed</c></summary>
    StepFailed,

    /// <summary><c>step_retrying</c></summary>
    StepRetrying,

    /// <summary><c>hook_created</c></summary>
    HookCreated,

    /// <summary><c>hook_received</c></summary>
    HookReceived,

    /// <summary><c>hook_disposed</c></summary>
    HookDisposed,

    /// <summary><c>hook_conflict</c>: written by the World only, never accepted from callers.</summary>
    HookConflict,

    /// <summary><c>wait_created</c></summary>
    WaitCreated,

    /// <summary><c>wait_completed</c></summary>
    WaitCompleted,
}
