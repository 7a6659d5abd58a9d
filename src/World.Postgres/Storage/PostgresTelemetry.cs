using System.Diagnostics.Metrics;
using Npgsql;
using World.Diagnostics;

namespace World.Postgres.Storage;

/// <summary>
/// The meter of the PostgreSQL World (<see cref="WorldTelemetry.PostgresSourceName"/>): database errors by SQLSTATE and
/// by how World classified them, so an operator sees timeouts, failovers and missing privileges apart.
/// </summary>
internal static class PostgresTelemetry
{
    public static readonly Meter Meter = new(WorldTelemetry.PostgresSourceName, WorldTelemetry.VersionOf(typeof(PostgresTelemetry).Assembly));

    public static readonly Counter<long> Errors = Meter.CreateCounter<long>(
        "world.postgres.errors", "{error}", "Database errors seen by the PostgreSQL World, by SQLSTATE (db.response.status_code) and classification (error.type).");

    public static void RecordError(NpgsqlException exception, string classification)
    {
        if (Errors.Enabled)
        {
            Errors.Add(
                1,
                new KeyValuePair<string, object?>("db.response.status_code", exception is PostgresException postgres ? postgres.SqlState : "connection"),
                new KeyValuePair<string, object?>("error.type", classification));
        }
    }
}
