using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace World.Runtime;

/// <summary>
/// Readiness of a queue: unhealthy when its oldest ready message has waited longer than a threshold (work is piling
/// up faster than it is taken, or nobody takes it), with the queue's counts and the reason ready work waits.
/// </summary>
/// <remarks>One <see cref="IWorldQueue.GetStatsAsync"/> call per check; a failing call is reported, never thrown.</remarks>
public sealed class QueueBacklogHealthCheck(IWorld world, string queueName, TimeSpan maxOldestReadyAge) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        QueueStats stats;
        try
        {
            stats = (await world.Queue.GetStatsAsync([queueName], cancellationToken).ConfigureAwait(false))[0];
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Reading the backlog of queue '{queueName}' failed ({WorldFaults.Classify(exception)}).", exception);
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["queue"] = stats.QueueName,
            ["ready"] = stats.Ready,
            ["delayed"] = stats.Delayed,
            ["running"] = stats.Running,
            ["lease_expired"] = stats.LeaseExpired,
            ["dead_lettered"] = stats.DeadLettered,
            ["consumers"] = stats.Consumers,
            ["oldest_ready_age_seconds"] = stats.OldestReadyAge.TotalSeconds,
            ["ready_reason"] = stats.ReadyReason.ToCode(),
        };
        if (stats.OldestReadyAge > maxOldestReadyAge)
        {
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                string.Create(CultureInfo.InvariantCulture, $"The oldest ready message of queue '{queueName}' has waited {stats.OldestReadyAge.TotalSeconds:0.#} s (limit {maxOldestReadyAge.TotalSeconds:0.#} s): {stats.ReadyReason.ToCode()}."),
                data: data);
        }

        return HealthCheckResult.Healthy(string.Create(CultureInfo.InvariantCulture, $"Queue '{queueName}': {stats.Ready} ready, oldest {stats.OldestReadyAge.TotalSeconds:0.#} s."), data);
    }
}
