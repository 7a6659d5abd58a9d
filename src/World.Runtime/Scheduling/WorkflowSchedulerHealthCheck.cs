using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace World.Runtime;

/// <summary>
/// Reports the <see cref="WorkflowScheduler"/> heartbeat: healthy while passes succeed, degraded while they fail (the
/// loop retries), unhealthy when no pass succeeded for <see cref="WorkflowSchedulerOptions.StaleAfter"/>.
/// </summary>
public sealed class WorkflowSchedulerHealthCheck(WorkflowScheduler scheduler, TimeProvider time) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!scheduler.Running)
        {
            // Not an outage: this process is configured not to fire schedules (other processes do).
            return Task.FromResult(HealthCheckResult.Healthy(scheduler.Options.Enabled
                ? "The scheduler does not run in this process: its worker is disabled (EnableWorker = false)."
                : "The scheduler is disabled in this process (WorkflowSchedulerOptions.Enabled = false)."));
        }

        var health = scheduler.Health;
        var data = new Dictionary<string, object>
        {
            ["lastTickAt"] = health.LastTickAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "never",
            ["lagSeconds"] = health.Lag.TotalSeconds,
            ["consecutiveFailures"] = health.ConsecutiveFailures,
            ["repaired"] = health.Repaired,
        };
        var silentFor = time.GetUtcNow() - (health.LastTickAt ?? DateTimeOffset.MinValue);
        if (health.LastTickAt is not null && silentFor <= scheduler.Options.StaleAfter && health.ConsecutiveFailures == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"Last pass {silentFor.TotalSeconds:F1} s ago; lag {health.Lag.TotalSeconds:F1} s.", data));
        }

        if (health.LastTickAt is not null && silentFor <= scheduler.Options.StaleAfter)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"Scheduler passes fail: {health.LastError}", data: data));
        }

        return Task.FromResult(new HealthCheckResult(
            context?.Registration?.FailureStatus ?? HealthStatus.Unhealthy,
            health.LastTickAt is null ? $"The scheduler has not completed a pass yet. {health.LastError}" : $"No scheduler pass succeeded for {silentFor.TotalSeconds:F0} s. {health.LastError}",
            data: data));
    }
}
