using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using World.Postgres;

namespace World.DependencyInjection;

/// <summary>Registers <see cref="PostgresWorldHealthCheck"/>: <c>services.AddHealthChecks().AddWorldPostgres()</c>.</summary>
public static class PostgresWorldHealthCheckExtensions
{
    /// <summary>Adds the PostgreSQL World's health check (needs <c>UsePostgres</c>).</summary>
    public static IHealthChecksBuilder AddWorldPostgres(this IHealthChecksBuilder builder, string name = "world-postgres", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name,
            static provider => new PostgresWorldHealthCheck(provider.GetRequiredService<PostgresWorld>()),
            failureStatus,
            tags));
    }
}
