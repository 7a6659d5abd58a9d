namespace World.Runtime;

/// <summary>The codes the runtime stores on failed runs (<see cref="StructuredError.Code"/>) and steps.</summary>
public static class RunErrorCodes
{
    /// <summary>The workflow threw.</summary>
    public const string UserError = "USER_ERROR";

    /// <summary>The runtime could not run the workflow (e.g. it is not registered, or its input does not deserialize).</summary>
    public const string RuntimeError = "RUNTIME_ERROR";

    /// <summary>Replay diverged from the log (<see cref="NonDeterminismException"/>).</summary>
    public const string ReplayDivergence = "REPLAY_DIVERGENCE";

    /// <summary>The run reached the World's per-run event ceiling.</summary>
    public const string MaxEventsExceeded = "MAX_EVENTS_EXCEEDED";

    /// <summary>The run's invocations failed (threw, deadlocked, or their worker died) <see cref="WorkflowRuntimeOptions.MaxDeliveries"/> times.</summary>
    public const string MaxDeliveriesExceeded = "MAX_DELIVERIES_EXCEEDED";

    /// <summary>A step threw <see cref="NonRetryableStepException"/> (step error code).</summary>
    public const string Fatal = "FATAL";

    /// <summary>A step spent its attempts after a crash left it running (step error code).</summary>
    public const string AttemptsExhausted = "ATTEMPTS_EXHAUSTED";

    /// <summary>An awaited child run failed (step error code).</summary>
    public const string ChildFailed = "CHILD_FAILED";

    /// <summary>An awaited child run was cancelled (step error code).</summary>
    public const string ChildCancelled = "CHILD_CANCELLED";
}
