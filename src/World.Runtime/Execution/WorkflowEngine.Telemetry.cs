using World.Runtime.Diagnostics;

namespace World.Runtime.Execution;

/// <summary>The telemetry wrapped around an invocation, kept apart so the engine's own flow reads unchanged.</summary>
internal sealed partial class WorkflowEngine
{
    /// <summary>
    /// Runs <see cref="InvokeAsync"/> inside its <c>workflow invoke</c> span: a child of the queue's <c>process</c> span,
    /// so of the trace that enqueued the run, and the parent of every step span of this invocation.
    /// </summary>
    private async Task<ExecutionOutcome> InvokeTracedAsync(string runId, DeadlockWatchdog watchdog, CancellationToken cancellationToken)
    {
        using var scope = RuntimeLog.InvocationScope(Logger, runId);
        var activity = RuntimeTelemetry.StartInvocation(runId);
        if (activity is null)
        {
            return await InvokeAsync(runId, watchdog, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var outcome = await InvokeAsync(runId, watchdog, cancellationToken).ConfigureAwait(false);
            RuntimeTelemetry.EndInvocation(activity, outcome.Ended ? "ended" : "suspended");
            return outcome;
        }
        catch (Exception exception)
        {
            RuntimeTelemetry.EndInvocation(activity, exception is OperationCanceledException ? "cancelled" : "failed", exception);
            throw;
        }
    }
}
