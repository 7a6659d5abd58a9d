using World.Diagnostics;

// The SDK's own namespace, as OpenTelemetry instrumentation libraries do, so the method shows up where the builder is used.
namespace OpenTelemetry.Trace;

/// <summary>Adds World's activity sources to an OpenTelemetry tracer provider.</summary>
public static class WorldTracerProviderBuilderExtensions
{
    /// <summary>
    /// Collects the spans of World's queue processor (<see cref="WorldTelemetry.QueueSourceName"/>), runtime
    /// (<see cref="WorldTelemetry.RuntimeSourceName"/>) and PostgreSQL backend (<see cref="WorldTelemetry.PostgresSourceName"/>).
    /// Add <c>.AddNpgsql()</c> (Npgsql.OpenTelemetry) beside it for the SQL commands themselves.
    /// </summary>
    public static TracerProviderBuilder AddWorldInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource([.. WorldTelemetry.AllSourceNames]);
    }
}
