using World.Diagnostics;

// The SDK's own namespace, as OpenTelemetry instrumentation libraries do, so the method shows up where the builder is used.
namespace OpenTelemetry.Metrics;

/// <summary>Adds World's meters to an OpenTelemetry meter provider.</summary>
public static class WorldMeterProviderBuilderExtensions
{
    /// <summary>
    /// Collects the metrics of World's queue processor (<see cref="WorldTelemetry.QueueSourceName"/>), runtime
    /// (<see cref="WorldTelemetry.RuntimeSourceName"/>) and PostgreSQL backend (<see cref="WorldTelemetry.PostgresSourceName"/>).
    /// </summary>
    public static MeterProviderBuilder AddWorldInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter([.. WorldTelemetry.AllSourceNames]);
    }
}
