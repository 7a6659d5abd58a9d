using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace World.Runtime.Execution;

internal sealed partial class WorkflowExecution
{
    private async Task<ExecutionRound> PlanAsync()
    {
        var now = _engine.Time.GetUtcNow();
        var round = new ExecutionRound();
        foreach (var operation in _requested)
        {
            switch (operation)
            {
                case StepOperation { Settled: true }:
                    break;
                case StepOperation { Kind: StepKind.AwaitChild } awaiting:
                    var child = await World.Runs.GetAsync(awaiting.ChildRunId!, ReadOptions.Default, _cancellation).ConfigureAwait(false);
                    if (child.Status.IsTerminal())
                    {
                        round.Writes.Add(() => RecordChildOutcomeAsync(awaiting, child));
                    }

                    break;
                case StepOperation { Status: StepStatus.Pending, RetryAfter: { } retryAfter } when retryAfter > now:
                    round.WakeNoLaterThan(retryAfter);
                    break;
                case StepOperation step:
                    round.Steps.Add(step);
                    break;
                case WaitOperation { Completed: true }:
                    break;
                case WaitOperation { Created: false } wait:
                    round.Writes.Add(() => AppendAsync(wait.Id, new WaitCreated(wait.ResumeAt)));
                    break;
                case WaitOperation wait when wait.ResumeAt <= now:
                    round.Writes.Add(() => AppendAsync(wait.Id, new WaitCompleted(wait.ResumeAt)));
                    break;
                case WaitOperation wait:
                    round.WakeNoLaterThan(wait.ResumeAt);
                    break;
                case HookOperation { Created: false, Conflicted: false } hook:
                    round.Writes.Add(() => AppendAsync(hook.Id, new HookCreated(hook.RequestedToken ?? NewToken(), hook.Metadata) { IsWebhook = false }));
                    break;
                case HookOperation { DisposeRequested: true, Created: true, Disposed: false } hook:
                    round.Writes.Add(() => AppendAsync(hook.Id, new HookDisposed()));
                    break;
            }
        }

        return round;
    }

    private async Task ExecuteAsync(ExecutionRound round)
    {
        // Writes first and in request order: a hook exists before a step that announces its token runs.
        foreach (var write in round.Writes)
        {
            await write().ConfigureAwait(false);
        }

        if (round.Steps.Count == 1)
        {
            await ExecuteStepAsync(round.Steps[0]).ConfigureAwait(false);
        }
        else if (round.Steps.Count > 1)
        {
            await Parallel.ForEachAsync(
                round.Steps,
                new ParallelOptions { MaxDegreeOfParallelism = _engine.Options.MaxParallelSteps, CancellationToken = _cancellation },
                async (step, _) => await ExecuteStepAsync(step).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    private async Task ExecuteStepAsync(StepOperation step)
    {
        if (step.Attempts >= step.Options.MaxAttempts)
        {
            // The last attempt started and never finished (its worker died): no attempts are left to run it again.
            var error = new StructuredError($"Step '{step.Name}' was interrupted during its last attempt ({step.Attempts} of {step.Options.MaxAttempts}).", null, RunErrorCodes.AttemptsExhausted);
            await AppendAsync(step.Id, new StepFailed(error) { StepName = step.Name }).ConfigureAwait(false);
            return;
        }

        // A new step is created by its first start (lazy start: the World writes its step_created in the same commit).
        var attempt = step.Attempts + 1;
        var started = await AppendAsync(step.Id, new StepStarted { StepName = step.Name, Attempt = attempt, WorkflowName = WorkflowName, Input = step.Created ? null : step.Input }).ConfigureAwait(false);
        if (started?.Step is null)
        {
            return;
        }

        if (!step.Created)
        {
            step.CreatedAt = started.Step.CreatedAt;
            if (Interlocked.Exchange(ref _hasStep, 1) == 0)
            {
                Diagnostics.RuntimeTelemetry.FirstStepStarted(WorkflowName, started.Step.CreatedAt - _run.CreatedAt);
            }
        }

        // The World's count, not the replay's: an attempt started elsewhere since this invocation read the log counts too.
        attempt = started.Step.Attempt;

        using var activity = Diagnostics.RuntimeTelemetry.StartStep(RunId, WorkflowName, step.Id, step.Name, attempt);
        using var scope = Diagnostics.RuntimeLog.StepScope(_engine.Logger, step.Name, step.Id, attempt);
        Diagnostics.RuntimeLog.StepStarted(_engine.Logger, step.Name, RunId, attempt);
        var startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        EventData outcome;
        try
        {
            var context = new StepContext(RunId, step.Id, step.Name, attempt, World.Streams, Serializer, _cancellation);
            outcome = new StepCompleted(await step.Body!(step, context).ConfigureAwait(false)) { StepName = step.Name, WorkflowName = WorkflowName };
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            activity?.SetTag(Diagnostics.RuntimeTelemetry.OutcomeTag, "cancelled");
            throw;
        }
        catch (NonRetryableStepException fatal)
        {
            outcome = new StepFailed(ErrorOf(fatal, RunErrorCodes.Fatal)) { StepName = step.Name };
        }
#pragma warning disable CA1031 // A step may throw anything; every exception is recorded as the attempt's outcome.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            var error = ErrorOf(exception, exception.GetType().FullName);
            if (attempt >= step.Options.MaxAttempts)
            {
                outcome = new StepFailed(error) { StepName = step.Name };
            }
            else
            {
                var delay = exception is RetryStepException { RetryAfter: { } retryAfter } ? retryAfter : step.Options.Backoff.DelayFor(attempt);
                outcome = new StepRetrying(error, _engine.Time.GetUtcNow() + delay) { StepName = step.Name };
            }
        }

        Diagnostics.RuntimeTelemetry.EndStep(activity, startedAt, WorkflowName, step.Name, outcome);
        switch (outcome)
        {
            case StepRetrying retrying:
                Diagnostics.RuntimeLog.StepRetrying(_engine.Logger, step.Name, RunId, attempt, retrying.Error?.Code ?? RunErrorCodes.RuntimeError, retrying.RetryAfter ?? _engine.Time.GetUtcNow());
                break;
            case StepFailed failed:
                Diagnostics.RuntimeLog.StepFailed(_engine.Logger, step.Name, RunId, attempt, failed.Error?.Code ?? RunErrorCodes.RuntimeError);
                break;
            default:
                Diagnostics.RuntimeLog.StepCompleted(_engine.Logger, step.Name, RunId, attempt);
                break;
        }

        try
        {
            await AppendAsync(step.Id, outcome).ConfigureAwait(false);
        }
        catch (WorldValidationException rejected) when (outcome is StepCompleted)
        {
            // The result itself was refused (e.g. too large): that is the step's failure, not the run's.
            await AppendAsync(step.Id, new StepFailed(ErrorOf(rejected, rejected.Code)) { StepName = step.Name }).ConfigureAwait(false);
        }
    }

    private async Task RecordChildOutcomeAsync(StepOperation awaiting, WorkflowRun child)
    {
        if (!awaiting.Created && await AppendAsync(awaiting.Id, new StepCreated(awaiting.Name, awaiting.Input) { WorkflowName = WorkflowName }).ConfigureAwait(false) is null)
        {
            return;
        }

        EventData outcome = child.Status switch
        {
            RunStatus.Completed => new StepCompleted(child.Output ?? Serializer.Serialize<object?>(null)) { StepName = awaiting.Name },
            RunStatus.Failed => new StepFailed(new StructuredError(child.Error?.Message ?? "The child run failed.", child.Error?.Stack, RunErrorCodes.ChildFailed)) { StepName = awaiting.Name },
            _ => new StepFailed(new StructuredError("The child run was cancelled.", null, RunErrorCodes.ChildCancelled)) { StepName = awaiting.Name },
        };
        await AppendAsync(awaiting.Id, outcome).ConfigureAwait(false);
    }

    private async Task<byte[]> StartChildRunAsync(StepOperation step, string workflowName, ReadOnlyMemory<byte> input)
    {
        // Derived from the step, so a retried attempt finds the child its earlier attempt created.
        var childRunId = DeterministicIds.For(IdPrefixes.Run, RunId, step.CreatedAt, step.Id);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [LineageAttributes.ParentRunId] = RunId,
            [LineageAttributes.RootRunId] = Attributes.TryGetValue(LineageAttributes.RootRunId, out var root) ? root : RunId,
        };
        try
        {
            await World.Events.CreateAsync(
                childRunId,
                // The child records the parent's step span as its start, so its invocations link back under it.
                new EventRequest(new RunCreated(_run.DeploymentId, workflowName, input) { Attributes = global::World.Diagnostics.WorldTraceContext.WithRunTraceContext(System.Diagnostics.Activity.Current, attributes), AllowReservedAttributes = true }),
                CreateEventOptions.Default,
                _cancellation).ConfigureAwait(false);
        }
        catch (EntityConflictException)
        {
            // Created by an earlier attempt of this step.
        }

        await _engine.EnqueueAsync(childRunId, wake: false, _cancellation).ConfigureAwait(false);
        return Serializer.Serialize(childRunId);
    }

    /// <summary>
    /// Appends an event of the run. A refusal that means "the run moved on without us" (it ended, the entity exists
    /// or is gone, a retry is not due) returns null: the next read of the log tells what happened.
    /// </summary>
    private async Task<EventResult?> AppendAsync(string? correlationId, EventData data)
    {
        // A cancelled invocation (shutdown, lost lease, abandoned after a deadlock) writes nothing more: another
        // delivery of the run may be running by now.
        _cancellation.ThrowIfCancellationRequested();
        try
        {
            return await World.Events.CreateAsync(RunId, new EventRequest(data, correlationId), CreateEventOptions.Default, _cancellation).ConfigureAwait(false);
        }
        catch (Exception refused) when (refused is EntityConflictException or RunExpiredException or TooEarlyException or EntityNotFoundException)
        {
            LogRefused(_engine.Logger, data.EventType, correlationId, RunId, ((WorldException)refused).Code);
            return null;
        }
    }

    private async Task<int> FetchTailAsync()
    {
        var added = 0;
        do
        {
            var page = await World.Events.ListAsync(
                new EventQuery(RunId) { Page = new PageRequest { Cursor = _cursor, Limit = PageRequest.MaxLimit } },
                _cancellation).ConfigureAwait(false);
            _log.AddRange(page.Data);
            added += page.Data.Count;
            _cursor = page.Cursor ?? _cursor;
            _hasMore = page.HasMore;
        }
        while (_hasMore);

        return added;
    }

    private static StructuredError ErrorOf(Exception exception, string? code) => StructuredError.FromException(exception, code);

    /// <summary>An unguessable hook token: 256 random bits, URL-safe.</summary>
    private static string NewToken() =>
        "whk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [LoggerMessage(EventId = 210, Level = LogLevel.Debug, Message = "{EventType} for {CorrelationId} of run {RunId} refused with {Code}; the log decides")]
    private static partial void LogRefused(ILogger logger, EventType eventType, string? correlationId, string runId, string code);
}
