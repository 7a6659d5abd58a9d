using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace World.Postgres;

/// <summary>
/// Healthy when the database answers and the schema is at the version this build needs; degraded when it answers
/// but migrations are pending; unhealthy (or the registration's failure status) when it cannot be reached.
/// </summary>
public sealed class PostgresWorldHealthCheck(PostgresWorld world) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await world.ReadSchemaVersionAsync(cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object>
            {
                ["schema"] = world.Schema,
                ["schemaVersion"] = version,
                ["expectedVersion"] = MigrationCatalog.LatestVersion,
            };
            return version >= MigrationCatalog.LatestVersion
                ? HealthCheckResult.Healthy("The PostgreSQL World is reachable and its schema is current.", data)
                : HealthCheckResult.Degraded($"Schema '{world.Schema}' is at version {version}; this build needs {MigrationCatalog.LatestVersion}. Run the migrations.", data: data);
        }
        catch (WorldTransientException exception)
        {
            return new HealthCheckResult(context?.Registration?.FailureStatus ?? HealthStatus.Unhealthy, "The PostgreSQL World is unreachable.", exception);
        }
    }
}
