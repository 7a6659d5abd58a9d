using System.Diagnostics.Metrics;
using World.Runtime.Diagnostics;

namespace World.Runtime.Scheduling;

/// <summary>The scheduler's metrics, on the runtime's meter.</summary>
internal static class SchedulerTelemetry
{
    public const string TriggerTag = "world.schedule.trigger";

    public static readonly Counter<long> Fired = RuntimeTelemetry.Meter.CreateCounter<long>(
        "world.runtime.schedule.fires", "{run}", "Runs created by schedule fires, by trigger (scheduled, catch-up, manual, backfill).");

    public static readonly Counter<long> Repaired = RuntimeTelemetry.Meter.CreateCounter<long>(
        "world.runtime.schedule.repaired", "{schedule}", "Enabled schedules whose missing or misaligned next fire time was recomputed.");

    public static readonly Counter<long> Failures = RuntimeTelemetry.Meter.CreateCounter<long>(
        "world.runtime.schedule.failures", "{pass}", "Scheduler passes that failed (the loop retries with back-off).");

    public static readonly Histogram<double> FireLag = RuntimeTelemetry.Meter.CreateHistogram(
        "world.runtime.schedule.fire_lag", "s", "From a fire's due time to its run's creation.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300] });

    private static Func<WorkflowSchedulerHealth?>? _health;

    static SchedulerTelemetry()
    {
        RuntimeTelemetry.Meter.CreateObservableGauge(
            "world.runtime.schedule.lag", () => _health?.Invoke()?.Lag.TotalSeconds ?? 0, "s", "The scheduler heartbeat: how late the most overdue fire of the last pass was.");
        RuntimeTelemetry.Meter.CreateObservableGauge(
            "world.runtime.schedule.last_tick", () => _health?.Invoke()?.LastTickAt?.ToUnixTimeSeconds() ?? 0, "s", "The scheduler heartbeat: Unix time of the last successful pass.");
    }

    public static void Observe(Func<WorkflowSchedulerHealth?> health) => _health = health;
}
