using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using World.Queue;

namespace World.Runtime.Execution;

/// <summary>
/// Handles run invocations from the queue: loads the log, replays the workflow, executes what it asks for next and
/// settles the message so that the run is woken exactly when it can progress. One live message per run (its id is
/// the idempotency key) means one invocation of a run at a time; wake-ups coalesce into it.
/// </summary>
internal sealed partial class WorkflowEngine
{
    public WorkflowEngine(IWorld world, WorkflowRegistry registry, IWorkflowSerializer serializer, WorkflowRuntimeOptions options, TimeProvider time, IServiceProvider services, ILogger<WorkflowEngine> logger)
    {
        options.Validate();
        World = world;
        Registry = registry;
        Serializer = serializer;
        Options = options;
        Time = time;
        Services = services;
        Logger = logger;
    }

    public IWorld World { get; }

    public WorkflowRegistry Registry { get; }

    public IWorkflowSerializer Serializer { get; }

    public WorkflowRuntimeOptions Options { get; }

    public TimeProvider Time { get; }

    public IServiceProvider Services { get; }

    public ILogger Logger { get; }

    /// <summary>Makes sure the run has a live invocation message; a coalescing enqueue also wakes a sleeping or running one.</summary>
    public Task EnqueueAsync(string runId, bool wake, CancellationToken cancellationToken) =>
        World.Queue.EnqueueAsync(Options.QueueName, Encoding.UTF8.GetBytes(runId), InvocationOptions(runId, wake), cancellationToken);

    /// <summary>Enqueues the first invocation of new runs in one batch.</summary>
    public Task EnqueueManyAsync(IReadOnlyList<string> runIds, CancellationToken cancellationToken) =>
        World.Queue.EnqueueBatchAsync(
            Options.QueueName,
            runIds.Select(runId => new EnqueueRequest(Encoding.UTF8.GetBytes(runId), InvocationOptions(runId, wake: false))).ToArray(),
            cancellationToken);

    // One live message per run: the run id is the idempotency key; a wake-up coalesces into the live message.
    private EnqueueOptions InvocationOptions(string runId, bool wake) =>
        new() { IdempotencyKey = runId, Coalesce = wake, MaxAttempts = Options.MaxDeliveries };

    public async ValueTask<QueueHandlerResult> HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var runId = Encoding.UTF8.GetString(message.Payload.Span);
        try
        {
            var outcome = await InvokeAsync(runId, cancellationToken).ConfigureAwait(false);
            if (outcome.Ended)
            {
                return QueueHandlerResult.Complete;
            }

            // Suspended: a sleep or retry is due at WakeAt, or only an outside event (hook payload, child end) can
            // wake the run; such events enqueue a coalescing wake-up, which also cuts a pending redelivery short.
            return outcome.WakeAt is { } wakeAt ? QueueHandlerResult.RedeliverWhen(wakeAt) : QueueHandlerResult.Complete;
        }
        catch (Exception exception) when (exception is not OperationCanceledException && message.Failures + 1 >= message.MaxAttempts)
        {
            // The queue would dead-letter the invocation and strand the run as running: end it visibly instead.
            LogDeliveriesExhausted(Logger, exception, runId, message.Failures + 1);
            await TryFailRunAsync(runId, new StructuredError(exception.Message, exception.ToString(), RunErrorCodes.MaxDeliveriesExceeded), cancellationToken).ConfigureAwait(false);
            var run = await World.Runs.GetAsync(runId, ReadOptions.WithoutData, cancellationToken).ConfigureAwait(false);
            await WakeParentAsync(run, cancellationToken).ConfigureAwait(false);
            return QueueHandlerResult.Complete;
        }
    }

    /// <summary>Enqueues every pending or running run; runs that still have a live message keep it unchanged.</summary>
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        string? cursor = null;
        do
        {
            var page = await World.Runs.ListAsync(
                new RunQuery
                {
                    Statuses = [RunStatus.Pending, RunStatus.Running],
                    ResolveData = ResolveData.None,
                    Page = new PageRequest { Cursor = cursor, Limit = PageRequest.MaxLimit },
                },
                cancellationToken).ConfigureAwait(false);
            foreach (var run in page.Data)
            {
                await EnqueueAsync(run.RunId, wake: false, cancellationToken).ConfigureAwait(false);
                count++;
            }

            cursor = page.HasMore ? page.Cursor : null;
        }
        while (cursor is not null);

        return count;
    }

    private async Task<ExecutionOutcome> InvokeAsync(string runId, CancellationToken cancellationToken)
    {
        EventResult started;
        try
        {
            started = await World.Events.CreateAsync(runId, new EventRequest(new RunStarted()), CreateEventOptions.Default, cancellationToken).ConfigureAwait(false);
        }
        catch (RunExpiredException)
        {
            return ExecutionOutcome.Finished;
        }
        catch (RunNotFoundException)
        {
            LogRunMissing(Logger, runId);
            return ExecutionOutcome.Finished;
        }

        var run = started.Run!;
        if (run.Status.IsTerminal())
        {
            return ExecutionOutcome.Finished;
        }

        ExecutionOutcome outcome;
        if (Registry.TryGet(run.WorkflowName, out var registration))
        {
            // One DI scope per invocation: scoped services (a DbContext, say) injected into the workflow serve its steps.
            var scope = Services.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                outcome = await new WorkflowExecution(this, registration, run, started, scope.ServiceProvider, cancellationToken).RunAsync().ConfigureAwait(false);
            }
        }
        else
        {
            await TryFailRunAsync(runId, new StructuredError($"Workflow '{run.WorkflowName}' is not registered with this worker.", null, RunErrorCodes.RuntimeError), cancellationToken).ConfigureAwait(false);
            outcome = ExecutionOutcome.Finished;
        }

        if (outcome.Ended)
        {
            await WakeParentAsync(run, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>A child that ended wakes its parent, which may be waiting for it.</summary>
    private async Task WakeParentAsync(WorkflowRun run, CancellationToken cancellationToken)
    {
        if (run.Attributes.TryGetValue(LineageAttributes.ParentRunId, out var parentRunId))
        {
            await EnqueueAsync(parentRunId, wake: true, cancellationToken).ConfigureAwait(false);
        }
    }

    internal async Task TryFailRunAsync(string runId, StructuredError error, CancellationToken cancellationToken)
    {
        try
        {
            await World.Events.CreateAsync(runId, new EventRequest(new RunFailed(error, error.Code)), CreateEventOptions.Default, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is EntityConflictException or RunExpiredException or RunNotFoundException)
        {
            // Already ended (or gone): nothing left to fail.
        }
    }

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Invocation message for run {RunId} names no run; dropping it")]
    private static partial void LogRunMissing(ILogger logger, string runId);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Run {RunId} failed after {Deliveries} failed invocations")]
    private static partial void LogDeliveriesExhausted(ILogger logger, Exception exception, string runId, int deliveries);
}
