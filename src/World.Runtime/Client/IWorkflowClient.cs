namespace World.Runtime;

/// <summary>Starts runs, awaits their results, resumes their hooks and cancels them, from outside any workflow.</summary>
public interface IWorkflowClient
{
    /// <summary>Starts a run of <typeparamref name="TWorkflow"/>.</summary>
    Task<WorkflowRunHandle<TOutput>> StartAsync<TWorkflow, TInput, TOutput>(TInput input, StartWorkflowOptions? options = null, CancellationToken cancellationToken = default)
        where TWorkflow : IWorkflow<TInput, TOutput>;

    /// <summary>Starts a run of the workflow registered under <paramref name="workflowName"/>.</summary>
    Task<WorkflowRunHandle<TOutput>> StartAsync<TInput, TOutput>(string workflowName, TInput input, StartWorkflowOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts one run of <typeparamref name="TWorkflow"/> per input with batched writes: the runs are created up to
    /// 1,000 per write and their invocations enqueued up to 1,000 per write, instead of two writes per run. Returns
    /// the handles in input order.
    /// </summary>
    Task<IReadOnlyList<WorkflowRunHandle<TOutput>>> StartManyAsync<TWorkflow, TInput, TOutput>(IReadOnlyList<TInput> inputs, StartWorkflowOptions? options = null, CancellationToken cancellationToken = default)
        where TWorkflow : IWorkflow<TInput, TOutput>;

    /// <summary>A handle on an existing run.</summary>
    WorkflowRunHandle<TOutput> GetHandle<TOutput>(string runId);

    /// <summary>Delivers <paramref name="payload"/> to the live hook holding <paramref name="token"/> and wakes its run.</summary>
    /// <exception cref="HookNotFoundException">No live hook holds the token (never created, disposed, or its run ended).</exception>
    Task ResumeHookAsync<TPayload>(string token, TPayload payload, CancellationToken cancellationToken = default);

    /// <summary>Cancels a run: no new step starts; a step already running may finish; its hooks are freed.</summary>
    /// <exception cref="EntityConflictException">The run already completed or failed.</exception>
    Task CancelAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Why the run's next invocation is or is not running now: <see cref="DispatchReason.Running"/> on a worker,
    /// <see cref="DispatchReason.Delayed"/> until a sleep or retry ends, <see cref="DispatchReason.NoConsumer"/> when no
    /// worker serves the runtime's queue, and so on. <see cref="DispatchReason.NotFound"/> when no invocation is queued:
    /// the run has ended, or waits for a hook or a child run with nothing to do until then.
    /// </summary>
    Task<DispatchStatus> GetDispatchStatusAsync(string runId, CancellationToken cancellationToken = default);
}
