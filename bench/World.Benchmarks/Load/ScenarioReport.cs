namespace World.Benchmarks.Load;

/// <summary>Everything one run of the runner measured, written as JSON with <c>--json</c>.</summary>
internal sealed record ScenarioReport(
    string Scenario,
    string Backend,
    DateTimeOffset StartedAt,
    MachineInfo Machine,
    IReadOnlyList<Measurement> Measurements,
    IReadOnlyDictionary<string, double> Ratios);
