namespace World.Benchmarks.Scenarios;

/// <summary>The input of <see cref="SoakWorkflow"/>: a seed that picks its step durations, and an optional large payload.</summary>
/// <param name="Seed">Picks each step's duration from <see cref="SoakWorkflow.StepDurations"/>.</param>
/// <param name="Blob">A payload carried through the run's input (large for a few runs: the MB-payload path of the log).</param>
internal sealed record SoakInput(int Seed, byte[]? Blob);
