using Microsoft.Extensions.Diagnostics.HealthChecks;
using World.Runtime;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="WorkflowWorkerHealthCheck"/>: <c>services.AddHealthChecks().AddWorkflowWorker()</c>.</summary>
public static class WorkflowWorkerHealthCheckExtensions
{
    /// <summary>Adds the workflow worker's health check (needs the workflow runtime, e.g. <c>AddWorkflow&lt;T&gt;()</c>).</summary>
    public static IHealthChecksBuilder AddWorkflowWorker(this IHealthChecksBuilder builder, string name = "world-workflow-worker", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            static provider => new WorkflowWorkerHealthCheck(provider.GetRequiredService<WorkflowWorker>()),
            failureStatus,
            tags));
    }

    /// <summary>
    /// Adds a readiness check of one queue's backlog (<see cref="QueueBacklogHealthCheck"/>): it fails when the oldest
    /// ready message of <paramref name="queueName"/> has waited longer than <paramref name="maxOldestReadyAge"/>.
    /// </summary>
    public static IHealthChecksBuilder AddWorldQueueBacklog(this IHealthChecksBuilder builder, string queueName, TimeSpan maxOldestReadyAge, string? name = null, HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        global::World.Backends.IdValidation.RequireName(queueName, nameof(queueName));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxOldestReadyAge, TimeSpan.Zero);
        return builder.Add(new HealthCheckRegistration(
            name ?? "world-queue-backlog-" + queueName,
            provider => new QueueBacklogHealthCheck(provider.GetRequiredService<global::World.IWorld>(), queueName, maxOldestReadyAge),
            failureStatus,
            tags ?? ["ready"]));
    }
}
