using System.Text.Json.Serialization;
using World.Benchmarks.Scenarios;

namespace World.Benchmarks.Load;

/// <summary>Everything one run of the runner measured, written as JSON with <c>--json</c>.</summary>
internal sealed record ScenarioReport(
    string Scenario,
    string Backend,
    DateTimeOffset StartedAt,
    MachineInfo Machine,
    IReadOnlyList<Measurement> Measurements,
    IReadOnlyDictionary<string, double> Ratios)
{
    /// <summary>Counts checked at the end of a run that must hold exactly (failed runs, dead letters, stranded runs).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, long>? Checks { get; init; }

    /// <summary>The soak's periodic samples of throughput and resources.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SoakSample>? Samples { get; init; }

    /// <summary>Whether each sampled resource stayed flat over the soak.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<FlatnessCheck>? Flatness { get; init; }

    /// <summary>The outage scenario's measured recoveries, one per fault and lease setting.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<FaultRecovery>? Faults { get; init; }
}
