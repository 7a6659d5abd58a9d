using World.Runtime.Execution;

namespace World.Runtime;

/// <summary>The <see cref="IWorkflowClient"/> over a World; registered by <c>AddWorkflow&lt;T&gt;()</c>.</summary>
public sealed class WorkflowClient : IWorkflowClient
{
    private readonly WorkflowEngine _engine;

    internal WorkflowClient(WorkflowEngine engine)
    {
        _engine = engine;
    }

    internal IWorld World => _engine.World;

    internal IWorkflowSerializer Serializer => _engine.Serializer;

    /// <inheritdoc />
    public Task<WorkflowRunHandle<TOutput>> StartAsync<TWorkflow, TInput, TOutput>(TInput input, StartWorkflowOptions? options = null, CancellationToken cancellationToken = default)
        where TWorkflow : IWorkflow<TInput, TOutput> =>
        StartAsync<TInput, TOutput>(WorkflowNames.Of<TWorkflow>(), input, options, cancellationToken);

    /// <inheritdoc />
    public async Task<WorkflowRunHandle<TOutput>> StartAsync<TInput, TOutput>(string workflowName, TInput input, StartWorkflowOptions? options = null, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireName(workflowName, nameof(workflowName));
        var created = new RunCreated(_engine.Options.DeploymentId, workflowName, Serializer.Serialize(input)) { Attributes = options?.Attributes };
        string runId;
        try
        {
            var result = await World.Events.CreateAsync(options?.RunId, new EventRequest(created), new CreateEventOptions { ResolveData = ResolveData.None }, cancellationToken).ConfigureAwait(false);
            runId = result.Run!.RunId;
        }
        catch (EntityConflictException) when (options?.RunId is not null)
        {
            // An idempotent start: the run exists; the first start's input wins.
            runId = options.RunId;
            var existing = await World.Runs.GetAsync(runId, ReadOptions.WithoutData, cancellationToken).ConfigureAwait(false);
            if (existing.Status.IsTerminal())
            {
                return new WorkflowRunHandle<TOutput>(this, runId);
            }
        }

        // A crash right here leaves a pending run without a message; the worker's start-up recovery enqueues it.
        await _engine.EnqueueAsync(runId, wake: false, cancellationToken).ConfigureAwait(false);
        return new WorkflowRunHandle<TOutput>(this, runId);
    }

    /// <inheritdoc />
    public WorkflowRunHandle<TOutput> GetHandle<TOutput>(string runId) =>
        new(this, IdValidation.RequireSafeId(runId, nameof(runId)));

    /// <inheritdoc />
    public async Task ResumeHookAsync<TPayload>(string token, TPayload payload, CancellationToken cancellationToken = default)
    {
        var hook = await World.Hooks.GetByTokenAsync(token, ReadOptions.WithoutData, cancellationToken).ConfigureAwait(false);
        try
        {
            await World.Events.CreateAsync(hook.RunId, new EventRequest(new HookReceived(Serializer.Serialize(payload), token), hook.HookId), new CreateEventOptions { ResolveData = ResolveData.None }, cancellationToken).ConfigureAwait(false);
        }
        catch (RunExpiredException)
        {
            throw new HookNotFoundException(token, byToken: true);
        }

        await _engine.EnqueueAsync(hook.RunId, wake: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task CancelAsync(string runId, CancellationToken cancellationToken = default)
    {
        var result = await World.Events.CreateAsync(runId, new EventRequest(new RunCancelled()), new CreateEventOptions { ResolveData = ResolveData.None }, cancellationToken).ConfigureAwait(false);
        if (result.Run?.Attributes.TryGetValue(LineageAttributes.ParentRunId, out var parentRunId) == true)
        {
            await _engine.EnqueueAsync(parentRunId, wake: true, cancellationToken).ConfigureAwait(false);
        }
    }
}
