using Microsoft.Extensions.Diagnostics.HealthChecks;
using World.Queue;

namespace World.Runtime;

/// <summary>
/// Reports the <see cref="WorkflowWorker"/>: healthy while it claims normally, degraded while the World fails
/// transiently (it retries with backoff), unhealthy (or the registration's failure status) while it fails for a
/// reason an operator must fix, such as an unmigrated schema.
/// </summary>
public sealed class WorkflowWorkerHealthCheck(WorkflowWorker worker) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (worker.Health is not { } health)
        {
            return Task.FromResult(HealthCheckResult.Healthy("The workflow worker is not processing in this process (disabled or not started)."));
        }

        var data = new Dictionary<string, object>
        {
            ["state"] = health.State.ToString(),
            ["since"] = health.Since,
            ["consecutiveFailures"] = health.ConsecutiveFailures,
            ["circuitOpen"] = health.CircuitOpen,
            ["abandonedHandlers"] = health.AbandonedHandlers,
        };
        return Task.FromResult(health.State switch
        {
            QueueProcessorState.Healthy => HealthCheckResult.Healthy(health.Description, data),
            QueueProcessorState.Degraded => HealthCheckResult.Degraded(health.Description, data: data),
            _ => new HealthCheckResult(context?.Registration?.FailureStatus ?? HealthStatus.Unhealthy, health.Description, data: data),
        });
    }
}
