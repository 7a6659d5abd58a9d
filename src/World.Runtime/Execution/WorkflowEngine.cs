using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using World.Diagnostics;
using World.Queue;
using World.Runtime.Diagnostics;
using World.Backends;

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

    /// <summary>The clock of the deadlock watchdog: the wall clock, replaceable only by tests of the watchdog itself.</summary>
    internal TimeProvider DeadlockClock { get; init; } = TimeProvider.System;

    private const int MaxUnregisteredTracked = 10_000;

    // Capped low: the World is back within seconds after most outages, and runs should follow it promptly.
    private static readonly RetryBackoff TransientBackoff = new() { Initial = TimeSpan.FromMilliseconds(250), Max = TimeSpan.FromSeconds(5) };

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _unregisteredSince = new(StringComparer.Ordinal);

    // Consecutive transient failures per run in this worker: the backoff grows while the World keeps failing. An entry
    // lives only while its run keeps failing here; the next successful invocation removes it.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _transientStreaks = new(StringComparer.Ordinal);

    /// <summary>
    /// Makes sure the run has a live invocation message; a coalescing enqueue also wakes a sleeping or running one.
    /// Transient failures are retried for a while: the write this enqueue follows (a new run, a hook payload, a
    /// cancellation) has committed, and without its message the run would wait for the next worker start.
    /// </summary>
    public async Task EnqueueAsync(string runId, bool wake, CancellationToken cancellationToken)
    {
        using var send = RuntimeTelemetry.StartSend(Options.QueueName, 1);
        await EnqueueRetry.ExecuteAsync(
            async token => await World.Queue.EnqueueAsync(Options.QueueName, Encoding.UTF8.GetBytes(runId), InvocationOptions(runId, wake), token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Enqueues the first invocation of new runs in one batch, retried like <see cref="EnqueueAsync"/>.</summary>
    public async Task EnqueueManyAsync(IReadOnlyList<string> runIds, CancellationToken cancellationToken)
    {
        using var send = RuntimeTelemetry.StartSend(Options.QueueName, runIds.Count);
        var requests = runIds.Select(runId => new EnqueueRequest(Encoding.UTF8.GetBytes(runId), InvocationOptions(runId, wake: false))).ToArray();
        await EnqueueRetry.ExecuteAsync(
            async token => await World.Queue.EnqueueBatchAsync(Options.QueueName, requests, token).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    // Enqueues are idempotent (the run id is the key), so retrying one is always safe. About 40 s in all, longer than
    // a server restart or a failover usually takes.
    private ResiliencePipeline EnqueueRetry => _enqueueRetry ??= new ResiliencePipelineBuilder { TimeProvider = Time }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(WorldFaults.IsTransient),
            MaxRetryAttempts = 12,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(5),
        })
        .Build();

    private ResiliencePipeline? _enqueueRetry;

    // One live message per run: the run id is the idempotency key; a wake-up coalesces into the live message. The
    // queue's own attempt budget is only a backstop: the handling worker decides with its own MaxDeliveries, and a
    // run whose deliveries are spent fails visibly instead of its message vanishing into the dead-letter store.
    // The caller's trace context rides in the headers, so the invocation continues the caller's trace.
    internal static EnqueueOptions InvocationOptions(string runId, bool wake) =>
        new() { IdempotencyKey = runId, Coalesce = wake, MaxAttempts = WorldLimits.MaxMessageAttempts, Headers = WorldTraceContext.Inject(System.Diagnostics.Activity.Current) };

    public async ValueTask<QueueHandlerResult> HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var runId = Encoding.UTF8.GetString(message.Payload.Span);
        if (message.Failures >= Options.MaxDeliveries)
        {
            // Earlier deliveries failed or their workers died holding them (an expired lease counts as a failure):
            // running the code again would likely crash again, so end the run visibly.
            LogDeliveriesSpent(Logger, runId, message.Failures);
            await FailExhaustedRunAsync(
                runId,
                new StructuredError(
                    $"The run's invocation was delivered {message.Failures} times without finishing: it failed, or its worker stopped (crashed, was killed or lost the lease) each time.",
                    null,
                    RunErrorCodes.MaxDeliveriesExceeded),
                cancellationToken).ConfigureAwait(false);
            return QueueHandlerResult.Complete;
        }

        using var invocation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watchdog = new DeadlockWatchdog(Options.DeadlockTimeout, DeadlockClock);
        try
        {
            // On the thread pool, so that code blocking before its first await cannot hold this handler.
            var running = Task.Run(() => InvokeTracedAsync(runId, watchdog, invocation.Token), CancellationToken.None);
            if (await Task.WhenAny(running, watchdog.Detected).ConfigureAwait(false) != running)
            {
                // Cancelling fences the abandoned invocation: should its code ever unblock, its writes are refused.
                await invocation.CancelAsync().ConfigureAwait(false);
                _ = running.ContinueWith(static task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw new WorkflowDeadlockException(runId, watchdog.Limit);
            }

            var outcome = await running.ConfigureAwait(false);
            _transientStreaks.TryRemove(runId, out _);
            if (outcome.Ended)
            {
                _unregisteredSince.TryRemove(runId, out _);
                return QueueHandlerResult.Complete;
            }

            // Suspended: a sleep or retry is due at WakeAt, or only an outside event (hook payload, child end) can
            // wake the run; such events enqueue a coalescing wake-up, which also cuts a pending redelivery short.
            return outcome.WakeAt is { } wakeAt ? QueueHandlerResult.RedeliverWhen(wakeAt) : QueueHandlerResult.Complete;
        }
        catch (Exception exception) when (WorldFaults.IsTransient(exception) && !cancellationToken.IsCancellationRequested)
        {
            // The World failed, not the run: try again soon without spending one of the run's deliveries.
            var streak = _transientStreaks.AddOrUpdate(runId, 1, static (_, count) => Math.Min(count + 1, 16));
            var delay = TransientBackoff.DelayFor(streak);
            LogTransientFailure(Logger, exception, runId, delay);
            return QueueHandlerResult.Redeliver(delay);
        }
        catch (Exception exception) when (exception is not OperationCanceledException && message.Failures + 1 >= Options.MaxDeliveries)
        {
            // The last delivery failed: end the run visibly instead of leaving it running with nothing to move it.
            LogDeliveriesExhausted(Logger, exception, runId, message.Failures + 1);
            await FailExhaustedRunAsync(runId, StructuredError.FromException(exception, RunErrorCodes.MaxDeliveriesExceeded), cancellationToken).ConfigureAwait(false);
            return QueueHandlerResult.Complete;
        }
    }

    /// <summary>Fails a run whose deliveries are spent and wakes its parent.</summary>
    private async Task FailExhaustedRunAsync(string runId, StructuredError error, CancellationToken cancellationToken)
    {
        await TryFailRunAsync(runId, error, cancellationToken).ConfigureAwait(false);
        try
        {
            var run = await World.Runs.GetAsync(runId, ReadOptions.WithoutData, cancellationToken).ConfigureAwait(false);
            await WakeParentAsync(run, cancellationToken).ConfigureAwait(false);
        }
        catch (RunNotFoundException)
        {
            LogRunMissing(Logger, runId);
        }
    }

    /// <summary>
    /// Fails the runs whose invocation message ended up in the dead-letter store (enqueued by an older version with
    /// a small attempt budget, or dead-lettered by an operator) and removes those dead letters: a dead-lettered
    /// invocation would otherwise leave its run running forever, and recovery would revive the crash loop with a
    /// fresh budget. Returns how many runs were failed.
    /// </summary>
    public async Task<int> FailDeadLetteredRunsAsync(CancellationToken cancellationToken)
    {
        var failed = 0;
        string? cursor = null;
        do
        {
            var page = await World.Queue.ListDeadLettersAsync(
                new DeadLetterQuery { QueueName = Options.QueueName, Page = new PageRequest { Cursor = cursor, Limit = PageRequest.MaxLimit } },
                cancellationToken).ConfigureAwait(false);
            var settled = new List<string>(page.Data.Count);
            foreach (var deadLetter in page.Data)
            {
                // Invocations carry their run id as idempotency key and payload; listings may leave the payload out.
                var runId = deadLetter.IdempotencyKey
                    ?? Encoding.UTF8.GetString((await World.Queue.GetDeadLetterAsync(deadLetter.MessageId, cancellationToken).ConfigureAwait(false)).Payload.GetValueOrDefault().Span);
                var reason = deadLetter.Reason;
                try
                {
                    await FailExhaustedRunAsync(
                        runId,
                        new StructuredError($"The run's invocation was dead-lettered after {deadLetter.Failures} failed deliveries: {reason.Message}", reason.Stack, RunErrorCodes.MaxDeliveriesExceeded),
                        cancellationToken).ConfigureAwait(false);
                }
                catch (WorldValidationException exception)
                {
                    // Not an invocation of this runtime (a message someone else put on its queue): leave it to operators.
                    LogForeignDeadLetter(Logger, exception, deadLetter.MessageId);
                    continue;
                }

                settled.Add(deadLetter.MessageId);
                failed++;
            }

            if (settled.Count > 0)
            {
                await World.Queue.PurgeDeadLettersAsync(Options.QueueName, settled, cancellationToken).ConfigureAwait(false);
            }

            cursor = page.HasMore ? page.Cursor : null;
        }
        while (cursor is not null);

        return failed;
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

    private async Task<ExecutionOutcome> InvokeAsync(string runId, DeadlockWatchdog watchdog, CancellationToken cancellationToken)
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
        RuntimeTelemetry.RunLoaded(run, startedNow: started.Event is not null);
        if (started.Event is not null)
        {
            RuntimeLog.RunStarted(Logger, runId, run.WorkflowName);
        }
        if (run.Status.IsTerminal())
        {
            return ExecutionOutcome.Finished;
        }

        ExecutionOutcome outcome;
        if (Registry.TryGet(run.WorkflowName, out var registration))
        {
            // One DI scope per invocation: scoped services (a DbContext, say) injected into the workflow serve its steps.
            var scope = Services.CreateAsyncScope();
            var active = RuntimeTelemetry.InvocationBegan(run.WorkflowName);
            try
            {
                await using (scope.ConfigureAwait(false))
                {
                    outcome = await new WorkflowExecution(this, registration, run, started, scope.ServiceProvider, watchdog, cancellationToken).RunAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                RuntimeTelemetry.InvocationEnded(run.WorkflowName, active);
            }
        }
        else if (UnregisteredWaitEnds(runId) is { } retryAt)
        {
            // Another worker (a newer version in a rolling deploy) may know this workflow: hand the run back.
            LogUnregisteredReleased(Logger, run.WorkflowName, runId);
            return ExecutionOutcome.Suspended(retryAt);
        }
        else
        {
            LogUnregisteredFailed(Logger, run.WorkflowName, runId, Options.UnregisteredWorkflowTimeout);
            await TryFailRunAsync(runId, new StructuredError($"Workflow '{run.WorkflowName}' is not registered with any worker that saw this run within {Options.UnregisteredWorkflowTimeout}.", null, RunErrorCodes.RuntimeError), cancellationToken).ConfigureAwait(false);
            outcome = ExecutionOutcome.Finished;
        }

        if (outcome.Ended)
        {
            await WakeParentAsync(run, cancellationToken).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>
    /// When the run's workflow is not registered here: the time to offer the run again, or null once this worker has
    /// waited <see cref="WorkflowRuntimeOptions.UnregisteredWorkflowTimeout"/> for another worker to take it.
    /// </summary>
    private DateTimeOffset? UnregisteredWaitEnds(string runId)
    {
        var now = Time.GetUtcNow();
        if (Options.UnregisteredWorkflowTimeout <= TimeSpan.Zero)
        {
            return null;
        }

        if (_unregisteredSince.Count >= MaxUnregisteredTracked)
        {
            // Runs another worker took are never seen here again: forget entries long past their timeout.
            foreach (var (staleRunId, since) in _unregisteredSince)
            {
                if (now - since > 2 * Options.UnregisteredWorkflowTimeout)
                {
                    _unregisteredSince.TryRemove(staleRunId, out _);
                }
            }
        }

        var firstSeen = _unregisteredSince.GetOrAdd(runId, now);
        if (now - firstSeen >= Options.UnregisteredWorkflowTimeout)
        {
            _unregisteredSince.TryRemove(runId, out _);
            return null;
        }

        return now + Options.UnregisteredWorkflowRetryDelay;
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
            var failed = await World.Events.CreateAsync(runId, new EventRequest(new RunFailed(error, error.Code)), CreateEventOptions.Default, cancellationToken).ConfigureAwait(false);
            RuntimeTelemetry.RunEnded(failed.Run?.WorkflowName ?? "unknown", error.Code ?? RunErrorCodes.RuntimeError, failed.Run is null ? null : Time.GetUtcNow() - failed.Run.CreatedAt);
            RuntimeLog.RunFailed(Logger, runId, failed.Run?.WorkflowName ?? "unknown", error.Code ?? RunErrorCodes.RuntimeError);
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

    [LoggerMessage(EventId = 203, Level = LogLevel.Error, Message = "Run {RunId} failed: {Deliveries} earlier deliveries of its invocation failed or their workers stopped")]
    private static partial void LogDeliveriesSpent(ILogger logger, string runId, int deliveries);

    [LoggerMessage(EventId = 204, Level = LogLevel.Warning, Message = "Invocation of run {RunId} hit a transient World failure; redelivering in {Delay} without counting a failed delivery")]
    private static partial void LogTransientFailure(ILogger logger, Exception exception, string runId, TimeSpan delay);

    [LoggerMessage(EventId = 205, Level = LogLevel.Warning, Message = "Workflow {WorkflowName} of run {RunId} is not registered with this worker; handing the run back for a worker that has it")]
    private static partial void LogUnregisteredReleased(ILogger logger, string workflowName, string runId);

    [LoggerMessage(EventId = 206, Level = LogLevel.Error, Message = "Workflow {WorkflowName} of run {RunId} stayed unregistered for {Timeout}; failing the run")]
    private static partial void LogUnregisteredFailed(ILogger logger, string workflowName, string runId, TimeSpan timeout);

    [LoggerMessage(EventId = 207, Level = LogLevel.Warning, Message = "Dead letter {MessageId} on the workflow queue names no run; leaving it for an operator")]
    private static partial void LogForeignDeadLetter(ILogger logger, Exception exception, string messageId);
}
