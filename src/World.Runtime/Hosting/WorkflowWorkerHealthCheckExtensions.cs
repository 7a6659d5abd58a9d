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
}
