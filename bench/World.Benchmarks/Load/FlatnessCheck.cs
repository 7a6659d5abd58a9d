namespace World.Benchmarks.Load;

/// <summary>Whether one sampled series stayed flat over a long run.</summary>
/// <param name="Series">What was sampled.</param>
/// <param name="FirstThird">Mean over the first third of the measured samples (after warm-up).</param>
/// <param name="LastThird">Mean over the last third.</param>
/// <param name="Change">LastThird ÷ FirstThird − 1 (0 when both are 0).</param>
/// <param name="SlopePerMinute">Least-squares slope over all measured samples, in the series' unit per minute.</param>
/// <param name="Flat">Whether |Change| stayed within the tolerance the scenario applies to this series.</param>
internal sealed record FlatnessCheck(string Series, double FirstThird, double LastThird, double Change, double SlopePerMinute, bool Flat);
