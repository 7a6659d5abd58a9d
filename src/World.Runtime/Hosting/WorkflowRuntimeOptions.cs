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

    /// <summary>Failed invocations of one run before the run fails with <c>MAX_DELIVERIES_EXCEEDED</c>. Default 10.</summary>
    public int MaxDeliveries { get; set; } = 10;

    /// <summary>
    /// A per-run event ceiling below the World's own (<see cref="EventResult.MaxEvents"/>); null uses the World's.
    /// A run that reaches it fails with <c>MAX_EVENTS_EXCEEDED</c>.
    /// </summary>
    public int? MaxEventsPerRun { get; set; }

    /// <summary>On start, enqueue every pending or running run that has no live invocation message. Default true.</summary>
    public bool RecoverOnStart { get; set; } = true;

    /// <summary>A name for this worker in leases and logs. Default: machine name and process id.</summary>
    public string? WorkerName { get; set; }

    internal void Validate()
    {
        IdValidation.RequireName(QueueName, nameof(QueueName));
        IdValidation.RequireName(DeploymentId, nameof(DeploymentId));
        ArgumentOutOfRangeException.ThrowIfLessThan(Concurrency, 1, nameof(Concurrency));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParallelSteps, 1, nameof(MaxParallelSteps));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDeliveries, 1, nameof(MaxDeliveries));
        if (MaxEventsPerRun is { } ceiling)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(ceiling, 2, nameof(MaxEventsPerRun));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LeaseDuration, TimeSpan.Zero, nameof(LeaseDuration));
        if (HeartbeatInterval <= TimeSpan.Zero || HeartbeatInterval >= LeaseDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(HeartbeatInterval), HeartbeatInterval, "HeartbeatInterval must be positive and shorter than LeaseDuration.");
        }
    }
}
