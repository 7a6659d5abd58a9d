using System.Globalization;

namespace World.Postgres.Tests.Chaos;

/// <summary>
/// Sizes of the fault-injection suite. In CI (the default) every scenario runs a short load with short faults; with
/// <c>WORLD_CHAOS_SOAK=1</c> (factor 5) or <c>WORLD_CHAOS_SOAK=N</c> (factor N ≥ 2) loads, fault loops and outages
/// last that many times longer (docs/operations.md, "Fault-injection suite").
/// </summary>
internal static class ChaosSettings
{
    public const string SoakVariable = "WORLD_CHAOS_SOAK";

    /// <summary>How many times longer and larger than in CI the scenarios run.</summary>
    public static int Factor { get; } = ReadFactor();

    public static bool IsSoak => Factor > 1;

    /// <summary>
    /// The lease of the workers' invocations: short, so that recovery after a crash takes seconds, yet six heartbeats
    /// long, so that a CPU-starved test machine does not make workers give up leases they still hold.
    /// </summary>
    public static TimeSpan Lease { get; } = TimeSpan.FromSeconds(3);

    public static TimeSpan Heartbeat { get; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long every run of a scenario gets to end once the faults stop (more under soak, which has more runs).</summary>
    public static TimeSpan CompletionTimeout => TimeSpan.FromSeconds(90) * Math.Max(1, Factor / 2);

    /// <summary>How long a run still counts as affected by a fault after the fault ended (lingering broken connections, lapsing leases).</summary>
    public static TimeSpan FaultAftermath { get; } = TimeSpan.FromSeconds(6);

    public static int Runs(int ci) => ci * Factor;

    public static TimeSpan Duration(TimeSpan ci) => ci * Factor;

    private static int ReadFactor()
    {
        var value = Environment.GetEnvironmentVariable(SoakVariable);
        if (string.IsNullOrWhiteSpace(value) || value == "0")
        {
            return 1;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var factor) || factor < 1)
        {
            throw new InvalidOperationException($"{SoakVariable} must be 1 (soak, factor 5) or a factor of at least 2; it is '{value}'.");
        }

        return factor == 1 ? 5 : factor;
    }
}
