using Microsoft.Extensions.Options;

namespace World.Runtime;

/// <summary>Options of the workflow runtime (<c>services.AddWorld().UseInMemory().AddWorkflow&lt;T&gt;()</c>).</summary>
public sealed class WorkflowRuntimeOptions
{
    /// <summary>The queue carrying run invocations. Default <c>__wkf_workflow</c>.</summary>
    public string QueueName { get; set; } = "__wkf_workflow";

    /// <summary>The deployment stamped on new runs.</summary>
    public string DeploymentId { get; set; } = "default";

    /// <summary>Whether this process runs the hosted worker (false for a client-only process). Default true.</summary>
    public bool EnableWorker { get; set; } = true;

    /// <summary>Run invocations processed in parallel by the worker. Default 8.</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>Steps of one invocation executed in parallel (fan-out). Default 16.</summary>
    public int MaxParallelSteps { get; set; } = 16;

    /// <summary>The lease of an invocation; a crashed worker's runs are picked up after it. Default 30 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a running invocation renews its lease. Default 10 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest idle wait between claims when no wake-up arrives. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a stopping worker lets invocations finish before cancelling them. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Failed invocations of one run before the run fails with <c>MAX_DELIVERIES_EXCEEDED</c>. A delivery fails when
    /// the invocation throws, when workflow code deadlocks, or when its worker dies or loses the lease (the lease
    /// expires); failures of the World itself (database unreachable) do not count. The worker that handles the
    /// invocation decides with its own value, whatever process enqueued it. Default 10.
    /// </summary>
    public int MaxDeliveries { get; set; } = 10;

    /// <summary>
    /// How long workflow code may run without yielding (awaiting a workflow operation) before the invocation is
    /// treated as deadlocked: blocking calls such as <c>Task.Wait</c>, <c>.Result</c> or <c>Thread.Sleep</c> in
    /// workflow code never yield. The delivery fails (and counts towards <see cref="MaxDeliveries"/>), its writes are
    /// fenced, and its message moves on; the blocked thread cannot be reclaimed. Measured on the wall clock.
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns detection off. Default 5 s.
    /// </summary>
    public TimeSpan DeadlockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long an invocation of a workflow this worker does not have registered is handed back to the queue for a
    /// worker that has it (an older and a newer version running side by side during a rolling deploy) before the run
    /// fails as not registered. Counted from when this worker first saw the run. Zero fails such runs at once.
    /// Default 5 minutes.
    /// </summary>
    public TimeSpan UnregisteredWorkflowTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an invocation of an unregistered workflow waits before it is offered again. Default 2 s.</summary>
    public TimeSpan UnregisteredWorkflowRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest delay between retries of a failing claim (they start at 200 ms and double, with jitter), so the
    /// worker resumes within this long of the database coming back. Default 5 s.
    /// </summary>
    public TimeSpan FaultRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long claiming pauses once the circuit breaker opens after consecutive claim failures. Default 5 s.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a stopping worker waits for invocations it cancelled to return before releasing their messages
    /// without them (code that ignores cancellation). Default 5 s.
    /// </summary>
    public TimeSpan CancellationGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A per-run event ceiling below the World's own (<see cref="EventResult.MaxEvents"/>); null uses the World's.
    /// A run that reaches it fails with <c>MAX_EVENTS_EXCEEDED</c>.
    /// </summary>
    public int? MaxEventsPerRun { get; set; }

    /// <summary>On start, enqueue every pending or running run that has no live invocation message. Default true.</summary>
    public bool RecoverOnStart { get; set; } = true;

    /// <summary>How often the worker reports itself as a consumer of its queue and samples its backlog (<see cref="Queue.QueueProcessorOptions.PresenceInterval"/>).</summary>
    public TimeSpan PresenceInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A name for this worker in leases and logs. Default: machine name and process id.</summary>
    public string? WorkerName { get; set; }

    /// <summary>Throws <see cref="OptionsValidationException"/> when the options are invalid (the engine checks again).</summary>
    internal void Validate()
    {
        var result = WorkflowRuntimeOptionsValidator.Check(this);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(WorkflowRuntimeOptions), result.Failures);
        }
    }
}
