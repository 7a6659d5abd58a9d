namespace World.Benchmarks.Load;

/// <summary>The machine and server settings that matter for the numbers.</summary>
internal sealed record MachineInfo(int Cores, string Os, string Runtime, string? PostgresVersion, IReadOnlyDictionary<string, string> PostgresSettings);
