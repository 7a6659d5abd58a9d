namespace World.Runtime;

/// <summary>Options of the <see cref="WorkflowScheduler"/> (<c>AddWorkflowScheduler(options => …)</c>).</summary>
public sealed class WorkflowSchedulerOptions
{
    /// <summary>Whether this process fires schedules. Any number of processes may; each tick still fires once. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The wait between passes when nothing more is due. Default 1 s (the fire lag is at most about this).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most fires one pass claims. Default 200.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>How long a claimed fire is reserved to this process; a crashed process's fires are taken over after it. Default 30 s.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest back-off after consecutive failures of the World. Default 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The health check reports unhealthy when no pass succeeded for this long. Default 1 min.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(1);
}
