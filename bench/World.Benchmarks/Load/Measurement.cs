namespace World.Benchmarks.Load;

/// <summary>One measured series of a scenario: a rate and the latency of its unit of work.</summary>
/// <param name="Name">What was measured.</param>
/// <param name="Concurrency">How many workers ran it.</param>
/// <param name="Operations">How many units completed.</param>
/// <param name="Seconds">Over how long.</param>
/// <param name="Unit">What a unit is (event, commit, job, chunk, run).</param>
/// <param name="Latency">Latency of one unit.</param>
internal sealed record Measurement(string Name, int Concurrency, long Operations, double Seconds, string Unit, LatencySummary Latency)
{
    public double PerSecond => Seconds <= 0 ? 0 : Math.Round(Operations / Seconds, 1);
}
