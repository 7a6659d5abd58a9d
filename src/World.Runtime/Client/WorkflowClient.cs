using World.Diagnostics;
using World.Runtime.Diagnostics;
using World.Runtime.Execution;
using World.Backends;

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
        var created = NewRun(workflowName, Serializer.Serialize(input), options?.Attributes);
        string runId;
        try
        {
            var result = await World.Events.CreateAsync(options?.RunId, new EventRequest(created), new CreateEventOptions { ResolveData = ResolveData.None }, cancellationToken).ConfigureAwait(false);
            runId = result.Run!.RunId;
            RuntimeLog.RunCreated(_engine.Logger, runId, result.Run.WorkflowName);
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
    /// <exception cref="ArgumentException"><paramref name="options"/> names a run id, which cannot be shared by several runs.</exception>
    public async Task<IReadOnlyList<WorkflowRunHandle<TOutput>>> StartManyAsync<TWorkflow, TInput, TOutput>(IReadOnlyList<TInput> inputs, StartWorkflowOptions? options = null, CancellationToken cancellationToken = default)
        where TWorkflow : IWorkflow<TInput, TOutput>
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (options?.RunId is not null)
        {
            throw new ArgumentException("A batch start mints a run id per run; start runs with chosen ids one by one.", nameof(options));
        }

        var workflowName = WorkflowNames.Of<TWorkflow>();
        var handles = new List<WorkflowRunHandle<TOutput>>(inputs.Count);
        foreach (var chunk in inputs.Chunk(Math.Min(WorldLimits.MaxRunBatch, WorldLimits.MaxEnqueueBatch)))
        {
            var runs = Array.ConvertAll(chunk, input => new RunCreationRequest(NewRun(workflowName, Serializer.Serialize(input), options?.Attributes)));
            var created = await World.Events.CreateRunsAsync(runs, new CreateEventOptions { ResolveData = ResolveData.None }, cancellationToken).ConfigureAwait(false);
            var runIds = new string[created.Count];
            for (var i = 0; i < created.Count; i++)
            {
                // Minted ids are fresh; a refusal here is a fault of the World, not a lost race.
                runIds[i] = created[i].Created ? created[i].RunId : throw created[i].Error!;
                RuntimeLog.RunCreated(_engine.Logger, runIds[i], workflowName);
            }

            // A crash between the two writes leaves pending runs without messages; the worker's start-up recovery enqueues them.
            await _engine.EnqueueManyAsync(runIds, cancellationToken).ConfigureAwait(false);
            handles.AddRange(runIds.Select(runId => new WorkflowRunHandle<TOutput>(this, runId)));
        }

        return handles;
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
        if (result.Event is not null && result.Run is { } cancelled)
        {
            RuntimeLog.RunCancelled(_engine.Logger, runId, cancelled.WorkflowName);
            RuntimeTelemetry.RunCancelled(cancelled.WorkflowName, _engine.Time.GetUtcNow() - cancelled.CreatedAt);
        }

        if (result.Run?.Attributes.TryGetValue(LineageAttributes.ParentRunId, out var parentRunId) == true)
        {
            await _engine.EnqueueAsync(parentRunId, wake: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task<DispatchStatus> GetDispatchStatusAsync(string runId, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireSafeId(runId, nameof(runId));
        // A run's invocation message is keyed by its run id on the runtime's queue.
        return World.Queue.GetDispatchStatusAsync(DispatchQuery.ForKey(_engine.Options.QueueName, runId), cancellationToken);
    }

    /// <summary>
    /// A new run with the caller's attributes and, when the caller is traced, the trace context it starts under (as
    /// reserved attributes: the caller's own keys are checked first, so they cannot claim the reserved prefix).
    /// </summary>
    private RunCreated NewRun(string workflowName, byte[] input, IReadOnlyDictionary<string, string>? attributes)
    {
        var traced = WorldTraceContext.WithRunTraceContext(System.Diagnostics.Activity.Current, attributes);
        if (ReferenceEquals(traced, attributes))
        {
            return new RunCreated(_engine.Options.DeploymentId, workflowName, input) { Attributes = attributes };
        }

        global::World.Backends.AttributeRules.ValidateInitial(attributes, allowReserved: false);
        return new RunCreated(_engine.Options.DeploymentId, workflowName, input) { Attributes = traced, AllowReservedAttributes = true };
    }
}
