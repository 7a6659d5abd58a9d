using System.Diagnostics.CodeAnalysis;
namespace World.Backends;

/// <summary>How a <see cref="ScheduleFirer"/> creates the runs of due fires.</summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public sealed record ScheduleFirerOptions
{
    /// <summary>The deployment stamped on created runs.</summary>
    public required string DeploymentId { get; init; }

    /// <summary>This scheduler instance, for leases and diagnostics.</summary>
    public string Owner { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    /// <summary>The most fires claimed per pass (1 to 1000).</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>How long a claimed fire is reserved to this instance.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Called for every run a fire created (or found already created); the runtime enqueues its invocation here. Must be idempotent.</summary>
    public Func<string, CancellationToken, Task>? OnRunCreated { get; init; }

    /// <summary>Cancels the previous run for <see cref="ScheduleOverlap.CancelPrevious"/>; by default appends <c>run_cancelled</c>.</summary>
    public Func<string, CancellationToken, Task>? CancelRun { get; init; }
}
