using System.Diagnostics;

namespace World.Benchmarks.Load;

/// <summary>Runs an operation on N concurrent workers for a duration, after a warm-up, and reports rate and latency.</summary>
internal static class LoadLoop
{
    /// <param name="name">The series name.</param>
    /// <param name="concurrency">Workers.</param>
    /// <param name="duration">Measured time (after <paramref name="warmup"/>).</param>
    /// <param name="warmup">Unmeasured time first: JIT, pools, caches.</param>
    /// <param name="unit">What one unit is.</param>
    /// <param name="operation">One iteration for a worker; returns how many units it completed (latency is per iteration / units).</param>
    public static async Task<Measurement> RunAsync(string name, int concurrency, TimeSpan duration, TimeSpan warmup, string unit, Func<int, Task<int>> operation)
    {
        await RunPhaseAsync(concurrency, warmup, operation, recorder: null).ConfigureAwait(false);
        var recorder = new LatencyRecorder(concurrency);
        var (units, elapsed) = await RunPhaseAsync(concurrency, duration, operation, recorder).ConfigureAwait(false);
        var measurement = new Measurement(name, concurrency, units, Math.Round(elapsed.TotalSeconds, 3), unit, recorder.Summarize());
        Console.WriteLine($"  {name,-38} c={concurrency,-3} {measurement.PerSecond,12:N0} {unit}/s   p50 {measurement.Latency.P50,8:N3} ms   p95 {measurement.Latency.P95,8:N3} ms   p99 {measurement.Latency.P99,8:N3} ms");
        return measurement;
    }

    private static async Task<(long Units, TimeSpan Elapsed)> RunPhaseAsync(int concurrency, TimeSpan duration, Func<int, Task<int>> operation, LatencyRecorder? recorder)
    {
        long units = 0;
        var clock = Stopwatch.StartNew();
        using var progress = recorder is null ? null : new Timer(_ => Console.Write($"\r  … {Interlocked.Read(ref units):N0} in {clock.Elapsed.TotalSeconds:N0} s   \r"), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                var done = await operation(worker).ConfigureAwait(false);
                if (recorder is not null && done > 0)
                {
                    recorder.RecordTicks(worker, (Stopwatch.GetTimestamp() - start) / done);
                }

                Interlocked.Add(ref units, done);
            }
        }))).ConfigureAwait(false);
        return (units, clock.Elapsed);
    }
}
