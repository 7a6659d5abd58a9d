namespace World.Runtime;

/// <summary>
/// What a workflow may do durably. Every operation is recorded in the run's event log and, on replay, answered
/// from it: a step whose completion is in the log returns the recorded result without running again.
/// </summary>
/// <remarks>
/// Operations are identified by the order in which the workflow requests them, so the same input must request the
/// same operations in the same order on every replay. Code that does not is stopped with
/// <c>REPLAY_DIVERGENCE</c>. Do not use <c>ConfigureAwait(false)</c>, <see cref="Task.Run(Action)"/>, timers or
/// <see cref="DateTimeOffset.UtcNow"/> in workflow code; use steps, <see cref="SleepAsync"/> and <see cref="Now"/>.
/// </remarks>
public interface IWorkflowContext
{
    /// <summary>The run being executed.</summary>
    string RunId { get; }

    /// <summary>The workflow's machine name.</summary>
    string WorkflowName { get; }

    /// <summary>The run's attributes when this invocation started (lineage: <c>$parentRunId</c>, <c>$rootRunId</c>).</summary>
    IReadOnlyDictionary<string, string> Attributes { get; }

    /// <summary>A deterministic clock: the time of the latest event replayed so far.</summary>
    DateTimeOffset Now { get; }

    /// <summary>Runs <paramref name="body"/> as a durable step, at least once and, barring crashes mid-step, exactly once.</summary>
    /// <exception cref="NonRetryableStepException">The step threw <see cref="NonRetryableStepException"/>.</exception>
    /// <exception cref="StepFailedException">The step spent its attempts.</exception>
    Task<TResult> StepAsync<TResult>(string name, Func<StepContext, Task<TResult>> body, StepOptions? options = null);

    /// <summary>Runs <paramref name="body"/> as a durable step with a recorded argument.</summary>
    Task<TResult> StepAsync<TArgument, TResult>(string name, TArgument argument, Func<TArgument, StepContext, Task<TResult>> body, StepOptions? options = null);

    /// <summary>Runs <paramref name="body"/> as a durable step without a result.</summary>
    Task StepAsync(string name, Func<StepContext, Task> body, StepOptions? options = null);

    /// <summary>A durable sleep: the run is suspended and resumed by the queue, surviving restarts.</summary>
    Task SleepAsync(TimeSpan duration);

    /// <summary>A durable sleep until <paramref name="resumeAt"/>.</summary>
    Task SleepUntilAsync(DateTimeOffset resumeAt);

    /// <summary>Creates a hook that outside callers resume by token with payloads of type <typeparamref name="TPayload"/>.</summary>
    /// <exception cref="HookConflictException">A live hook of any run already holds the requested token.</exception>
    Task<WorkflowHook<TPayload>> CreateHookAsync<TPayload>(HookOptions? options = null);

    /// <summary>Appends <paramref name="value"/> to one of the run's streams (the default stream when <paramref name="streamName"/> is null), as a step.</summary>
    Task WriteToStreamAsync<T>(T value, string? streamName = null);

    /// <summary>Closes one of the run's streams, as a step: readers see its end.</summary>
    Task CloseStreamAsync(string? streamName = null);

    /// <summary>Starts a child run of <typeparamref name="TWorkflow"/> with lineage attributes; await its result with <see cref="ChildRun{TOutput}.GetResultAsync"/>.</summary>
    Task<ChildRun<TOutput>> StartChildAsync<TWorkflow, TInput, TOutput>(TInput input)
        where TWorkflow : IWorkflow<TInput, TOutput>;
}
