namespace World.Benchmarks.Load;

/// <summary>
/// Judges whether a series stayed flat: the last third's mean against the first third's, and the least-squares
/// slope. Thirds rather than first and last samples, because single samples of a GC heap or a throughput are noisy.
/// </summary>
internal static class Flatness
{
    /// <param name="series">The series' name, with its unit.</param>
    /// <param name="points">(seconds since the start, value), in time order, warm-up already removed.</param>
    /// <param name="tolerance">The largest |last ÷ first − 1| still called flat.</param>
    public static FlatnessCheck Analyze(string series, IReadOnlyList<(double Seconds, double Value)> points, double tolerance)
    {
        if (points.Count < 3)
        {
            return new FlatnessCheck(series, double.NaN, double.NaN, double.NaN, double.NaN, Flat: false);
        }

        var third = points.Count / 3;
        var first = points.Take(third).Average(static p => p.Value);
        var last = points.Skip(points.Count - third).Average(static p => p.Value);
        var change = first == 0 ? (last == 0 ? 0 : double.PositiveInfinity) : (last / first) - 1;

        var meanT = points.Average(static p => p.Seconds);
        var meanV = points.Average(static p => p.Value);
        var covariance = points.Sum(p => (p.Seconds - meanT) * (p.Value - meanV));
        var variance = points.Sum(p => (p.Seconds - meanT) * (p.Seconds - meanT));
        var slopePerSecond = variance == 0 ? 0 : covariance / variance;

        return new FlatnessCheck(series, Math.Round(first, 2), Math.Round(last, 2), Math.Round(change, 4), Math.Round(slopePerSecond * 60, 3), Math.Abs(change) <= tolerance);
    }
}
