namespace World.Benchmarks.Load;

/// <summary>Latency percentiles in milliseconds.</summary>
internal sealed record LatencySummary(long Count, double P50, double P95, double P99, double Max);
