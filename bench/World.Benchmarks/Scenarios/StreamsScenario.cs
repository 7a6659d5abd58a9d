using System.Diagnostics;
using World.Benchmarks.Load;

namespace World.Benchmarks.Scenarios;

/// <summary>Write → live reader latency (one chunk every 20 ms to a reader waiting at the tail), and write throughput.</summary>
internal static class StreamsScenario
{
    public static async Task<ScenarioReport> RunAsync(Backend backend, RunnerOptions options)
    {
        var world = backend.World;
        var runId = WorldIds.NewRunId(DateTimeOffset.UtcNow);
        var recorder = new LatencyRecorder(1);
        using var stop = new CancellationTokenSource();
        var reading = Task.Run(async () =>
        {
            await foreach (var chunk in world.Streams.ReadAsync(runId, "latency", cancellationToken: stop.Token).ConfigureAwait(false))
            {
                recorder.Record(0, BitConverter.ToInt64(chunk.Span));
            }
        });
        await Task.Delay(500).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        long written = 0;
        while (clock.Elapsed < options.Duration)
        {
            await world.Streams.WriteAsync(runId, "latency", BitConverter.GetBytes(Stopwatch.GetTimestamp())).ConfigureAwait(false);
            written++;
            await Task.Delay(20).ConfigureAwait(false);
        }

        await world.Streams.CloseAsync(runId, "latency").ConfigureAwait(false);
        await reading.ConfigureAwait(false);
        var latency = new Measurement("write → live reader (1 chunk / 20 ms)", 1, written, Math.Round(clock.Elapsed.TotalSeconds, 3), "chunk", recorder.Summarize());
        Console.WriteLine($"  {latency.Name,-38} p50 {latency.Latency.P50,8:N3} ms   p95 {latency.Latency.P95,8:N3} ms   p99 {latency.Latency.P99,8:N3} ms");

        var chunk = new byte[256];
        var throughput = await LoadLoop.RunAsync("stream writes (256 B, own stream each)", options.Concurrency, options.Duration, TimeSpan.FromSeconds(2), "chunk", async worker =>
        {
            await world.Streams.WriteAsync(runId, $"throughput-{worker}", chunk).ConfigureAwait(false);
            return 1;
        }).ConfigureAwait(false);
        return new ScenarioReport("streams", backend.Kind, DateTimeOffset.UtcNow, backend.Machine, [latency, throughput], new Dictionary<string, double>());
    }
}
