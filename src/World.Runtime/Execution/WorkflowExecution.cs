using World.Backends;

namespace World.Runtime.Execution;

/// <summary>
/// One invocation of a run. The workflow code advances only by replaying log events, one at a time with a pump of
/// its continuations after each, whether the events were in the log already or were just written by this
/// invocation. So a live execution and any later replay see the same results in the same order and ask for the
/// same operations with the same ids.
/// </summary>
/// <remarks>
/// The loop: replay the log; if the workflow ended, record it; otherwise do what it waits for that can be done now
/// (create hooks and waits, complete elapsed waits, run steps inline in parallel, record ended children), read back
/// the log's new tail and replay it. When nothing can be done now, the run is suspended until a timer or an
/// outside event (hook payload, child end, cancellation) wakes it through the queue.
/// </remarks>
internal sealed partial class WorkflowExecution : IWorkflowContext
{
    private const string StartChildStep = "$start-child:";
    private const string AwaitChildStep = "$await-child";
    private const string StreamWriteStep = "$stream-write:";
    private const string StreamCloseStep = "$stream-close:";

    private readonly WorkflowEngine _engine;
    private readonly IServiceProvider _services;
    private readonly WorkflowRegistration _registration;
    private readonly WorkflowRun _run;
    private readonly CancellationToken _cancellation;
    private readonly List<WorldEvent> _log = [];
    private readonly Dictionary<string, Operation> _operations = new(StringComparer.Ordinal);
    private readonly List<Operation> _requested = [];
    private readonly WorkflowSynchronizationContext _sync = new();
    private readonly DeadlockWatchdog _watchdog;
    private readonly int _maxEvents;
    private string? _cursor;
    private bool _hasMore;
    private int _applied;
    private int _sequence;
    private bool _ended;

    // 1 once the run is known to have a step (one in its log, or one this invocation created): the time to its first
    // step is recorded once per run, by the invocation that creates that step.
    private int _hasStep;
    private NonDeterminismException? _divergence;
    private Task<byte[]>? _body;

    public WorkflowExecution(WorkflowEngine engine, WorkflowRegistration registration, WorkflowRun run, EventResult started, IServiceProvider services, DeadlockWatchdog watchdog, CancellationToken cancellation)
    {
        _watchdog = watchdog;
        _engine = engine;
        _services = services;
        _registration = registration;
        _run = run;
        _cancellation = cancellation;
        _maxEvents = Math.Min(started.MaxEvents ?? int.MaxValue, engine.Options.MaxEventsPerRun ?? int.MaxValue);
        Now = run.CreatedAt;
        if (started.Events is { } preloaded)
        {
            _log.AddRange(preloaded);
            _cursor = started.Cursor;
            _hasMore = started.HasMore ?? false;
        }
        else
        {
            _hasMore = true;
        }
    }

    public string RunId => _run.RunId;

    public string WorkflowName => _run.WorkflowName;

    public IReadOnlyDictionary<string, string> Attributes => _run.Attributes;

    public DateTimeOffset Now { get; private set; }

    internal IWorkflowSerializer Serializer => _engine.Serializer;

    private IWorld World => _engine.World;

    public async Task<ExecutionOutcome> RunAsync()
    {
        if (_hasMore)
        {
            await FetchTailAsync().ConfigureAwait(false);
        }

        _watchdog.Guard(() => _sync.Run(() => _body = _registration.Invoke(_services, this, _run.Input ?? ReadOnlyMemory<byte>.Empty, Serializer)));
        while (true)
        {
            ReplayNewEvents();
            if (_body!.IsFaulted)
            {
                // The code threw while replaying: its exception is the story, even if the rest of the log, which it
                // never reached, would also read as a divergence.
                return await FinishAsync(_body).ConfigureAwait(false);
            }

            if (_divergence is not null)
            {
                return await FailAsync(new StructuredError(_divergence.Message, null, RunErrorCodes.ReplayDivergence)).ConfigureAwait(false);
            }

            if (_ended)
            {
                return ExecutionOutcome.Finished;
            }

            if (_body!.IsCompleted)
            {
                return await FinishAsync(_body).ConfigureAwait(false);
            }

            if (!_requested.Exists(static operation => operation.IsPending))
            {
                // Not finished, yet waiting on none of its operations: it awaits something replay cannot deliver.
                return await FailAsync(new StructuredError(
                    "The workflow awaited something other than a workflow operation (Task.Run, Task.Delay, I/O or ConfigureAwait(false)); workflow code must only await the context's operations.",
                    null,
                    RunErrorCodes.UserError)).ConfigureAwait(false);
            }

            var round = await PlanAsync().ConfigureAwait(false);
            if (round.IsEmpty)
            {
                return ExecutionOutcome.Suspended(round.WakeAt);
            }

            if (_log.Count >= _maxEvents)
            {
                return await FailAsync(new StructuredError(
                    $"The run reached the World's limit of {_maxEvents} events.", null, RunErrorCodes.MaxEventsExceeded)).ConfigureAwait(false);
            }

            await ExecuteAsync(round).ConfigureAwait(false);
            if (await FetchTailAsync().ConfigureAwait(false) == 0)
            {
                // Every action was refused without a trace in the log; retrying at once would spin.
                throw new InvalidOperationException($"Run {RunId} made no progress: every pending operation was refused by the World.");
            }
        }
    }

    // ---- Replay ---------------------------------------------------------------------------------------------------

    private void ReplayNewEvents()
    {
        if (_applied < _log.Count)
        {
            _watchdog.Guard(ReplayPending);
        }
    }

    private void ReplayPending()
    {
        // Stops at the first fault of the workflow code: the events after it answer requests it will never make.
        while (_applied < _log.Count && _divergence is null && !_body!.IsFaulted)
        {
            Apply(_log[_applied]);
            _applied++;
            _sync.Pump();
        }
    }

    private void Apply(WorldEvent logged)
    {
        Now = logged.CreatedAt;
        switch (logged.Data)
        {
            case RunCompleted or RunFailed or RunCancelled:
                _ended = true;
                return;
            case RunCreated or RunStarted or AttrSet:
                return;
        }

        if (logged.CorrelationId is not { } id || !_operations.TryGetValue(id, out var operation))
        {
            Diverge(logged, "the workflow did not ask for it at this point");
            return;
        }

        switch (logged.Data, operation)
        {
            case (StepCreated created, StepOperation step):
                if (!string.Equals(created.StepName, step.Name, StringComparison.Ordinal))
                {
                    Diverge(logged, $"the workflow asked for step '{step.Name}' instead of '{created.StepName}'");
                    return;
                }

                step.Created = true;
                step.CreatedAt = logged.CreatedAt;
                _hasStep = 1;
                break;
            case (StepStarted, StepOperation step):
                step.Attempts++;
                step.Status = StepStatus.Running;
                step.RetryAfter = null;
                break;
            case (StepRetrying retrying, StepOperation step):
                step.Status = StepStatus.Pending;
                step.RetryAfter = retrying.RetryAfter;
                break;
            case (StepCompleted completed, StepOperation step):
                step.Complete(completed.Result ?? ReadOnlyMemory<byte>.Empty);
                break;
            case (StepFailed failed, StepOperation step):
                step.Fail(ExceptionFor(step, failed.Error ?? new StructuredError("The step failed without an error.")));
                break;
            case (WaitCreated created, WaitOperation wait):
                wait.Created = true;
                wait.ResumeAt = created.ResumeAt;
                break;
            case (WaitCompleted, WaitOperation wait):
                wait.Complete();
                break;
            case (HookCreated created, HookOperation hook):
                hook.MarkCreated(created.Token);
                break;
            case (HookConflict conflict, HookOperation hook):
                hook.MarkConflict(conflict.Token, conflict.ConflictingRunId);
                break;
            case (HookReceived received, HookOperation hook):
                hook.Deliver(received.Payload ?? ReadOnlyMemory<byte>.Empty);
                break;
            case (HookDisposed, HookOperation hook):
                hook.MarkDisposed();
                break;
            default:
                Diverge(logged, $"the workflow asked for a {operation.Describe()} there");
                break;
        }
    }

    private void Diverge(WorldEvent logged, string reason) =>
        _divergence = new NonDeterminismException(
            $"Replay diverged from the log of run {RunId} at event {logged.EventId} ({logged.EventType.ToWireName()} '{logged.CorrelationId}'): {reason}. " +
            "The workflow code changed while the run was in flight, or it is not deterministic.");

    private static Exception ExceptionFor(StepOperation step, StructuredError error) => step.Kind switch
    {
        StepKind.AwaitChild => new ChildWorkflowFailedException(step.ChildRunId!, error),
        _ when error.Code == RunErrorCodes.Fatal => new NonRetryableStepException(error.Message, step.Name, error),
        _ => new StepFailedException(step.Name, error),
    };

    // ---- Requests from workflow code -----------------------------------------------------------------------------

    public Task<TResult> StepAsync<TResult>(string name, Func<StepContext, Task<TResult>> body, StepOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return StepCoreAsync<TResult>(RequireStepName(name), Serializer.Serialize<object?>(null), async (_, context) => Serializer.Serialize(await body(context).ConfigureAwait(false)), options);
    }

    public Task<TResult> StepAsync<TArgument, TResult>(string name, TArgument argument, Func<TArgument, StepContext, Task<TResult>> body, StepOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return StepCoreAsync<TResult>(RequireStepName(name), Serializer.Serialize(argument), async (_, context) => Serializer.Serialize(await body(argument, context).ConfigureAwait(false)), options);
    }

    public Task StepAsync(string name, Func<StepContext, Task> body, StepOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return StepCoreAsync<object?>(
            RequireStepName(name),
            Serializer.Serialize<object?>(null),
            async (_, context) =>
            {
                await body(context).ConfigureAwait(false);
                return Serializer.Serialize<object?>(null);
            },
            options);
    }

    public Task SleepAsync(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return SleepUntilAsync(_engine.Time.GetUtcNow() + duration);
    }

    public Task SleepUntilAsync(DateTimeOffset resumeAt)
    {
        var wait = Register(new WaitOperation(NextId(IdPrefixes.Wait), resumeAt));
        return wait.Elapsed;
    }

    public async Task<WorkflowHook<TPayload>> CreateHookAsync<TPayload>(HookOptions? options = null)
    {
        if (options?.Token is { } token)
        {
            IdValidation.RequireName(token, "token");
        }

        var metadata = options?.Metadata is { } value ? Serializer.Serialize(value) : null;
        var hook = Register(new HookOperation(NextId(IdPrefixes.Hook), options?.Token, metadata));
        await hook.Creation;
        return new WorkflowHook<TPayload>(hook, this);
    }

    public Task WriteToStreamAsync<T>(T value, string? streamName = null)
    {
        var name = streamName ?? WorkflowStreams.Default;
        return StepCoreAsync<bool>(StreamWriteStep + name, Serializer.Serialize(value), async (_, step) =>
        {
            await step.WriteAsync(value, name).ConfigureAwait(false);
            return Serializer.Serialize(true);
        }, StepOptions.Default);
    }

    public Task CloseStreamAsync(string? streamName = null)
    {
        var name = streamName ?? WorkflowStreams.Default;
        return StepCoreAsync<bool>(StreamCloseStep + name, Serializer.Serialize(name), async (_, step) =>
        {
            await step.CloseStreamAsync(name).ConfigureAwait(false);
            return Serializer.Serialize(true);
        }, StepOptions.Default);
    }

    public async Task<ChildRun<TOutput>> StartChildAsync<TWorkflow, TInput, TOutput>(TInput input)
        where TWorkflow : IWorkflow<TInput, TOutput>
    {
        var workflowName = WorkflowNames.Of<TWorkflow>();
        var childInput = Serializer.Serialize(input);
        var childRunId = await StepCoreAsync<string>(
            StartChildStep + workflowName,
            childInput,
            (step, _) => StartChildRunAsync(step, workflowName, childInput),
            StepOptions.Default).ConfigureAwait(true);
        return new ChildRun<TOutput>(childRunId, () => AwaitChildAsync<TOutput>(childRunId));
    }

    private async Task<TOutput> AwaitChildAsync<TOutput>(string childRunId)
    {
        var step = Register(new StepOperation(NextId(IdPrefixes.Step), AwaitChildStep, Serializer.Serialize(childRunId), StepKind.AwaitChild, StepOptions.Default)
        {
            ChildRunId = childRunId,
        });
        var output = await step.Outcome.ConfigureAwait(true);
        return Serializer.Deserialize<TOutput>(output);
    }

    private async Task<TResult> StepCoreAsync<TResult>(string name, ReadOnlyMemory<byte> input, Func<StepOperation, StepContext, Task<byte[]>> body, StepOptions? options)
    {
        options ??= StepOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1, nameof(options.MaxAttempts));
        var step = Register(new StepOperation(NextId(IdPrefixes.Step), name, input, StepKind.Body, options) { Body = body });
        var result = await step.Outcome.ConfigureAwait(true);
        return Serializer.Deserialize<TResult>(result);
    }

    private static string RequireStepName(string name)
    {
        IdValidation.RequireName(name, nameof(name));
        if (name.StartsWith('$'))
        {
            throw new ArgumentException("Step names starting with '$' are reserved for the runtime.", nameof(name));
        }

        return name;
    }

    private T Register<T>(T operation)
        where T : Operation
    {
        if (SynchronizationContext.Current != _sync)
        {
            throw new InvalidOperationException(
                "A workflow operation was requested outside the workflow's own context (after ConfigureAwait(false), Task.Run or a real I/O await). Workflow code must only await the context's operations.");
        }

        _operations.Add(operation.Id, operation);
        _requested.Add(operation);
        return operation;
    }

    private string NextId(string prefix) =>
        DeterministicIds.For(prefix, RunId, _run.CreatedAt, (++_sequence).ToString(System.Globalization.CultureInfo.InvariantCulture));

    // ---- Ending -------------------------------------------------------------------------------------------------

    private async Task<ExecutionOutcome> FinishAsync(Task<byte[]> body)
    {
        if (body.IsCompletedSuccessfully)
        {
            if (await AppendAsync(null, new RunCompleted(body.Result)).ConfigureAwait(false) is not null)
            {
                Diagnostics.RuntimeTelemetry.RunEnded(WorkflowName, errorCode: null, _engine.Time.GetUtcNow() - _run.CreatedAt);
                Diagnostics.RuntimeLog.RunCompleted(_engine.Logger, RunId, WorkflowName);
            }

            return ExecutionOutcome.Finished;
        }

        var exception = body.Exception?.InnerException ?? new OperationCanceledException("The workflow was cancelled.");
        var code = exception is NonDeterminismException ? RunErrorCodes.ReplayDivergence : RunErrorCodes.UserError;
        return await FailAsync(StructuredError.FromException(exception, code)).ConfigureAwait(false);
    }

    private async Task<ExecutionOutcome> FailAsync(StructuredError error)
    {
        if (await AppendAsync(null, new RunFailed(error, error.Code)).ConfigureAwait(false) is not null)
        {
            Diagnostics.RuntimeTelemetry.RunEnded(WorkflowName, error.Code ?? RunErrorCodes.RuntimeError, _engine.Time.GetUtcNow() - _run.CreatedAt);
            Diagnostics.RuntimeLog.RunFailed(_engine.Logger, RunId, WorkflowName, error.Code ?? RunErrorCodes.RuntimeError);
        }

        return ExecutionOutcome.Finished;
    }
}
