using System.Diagnostics;
using World.Benchmarks.Load;
using World.Queue;

namespace World.Benchmarks.Scenarios;

/// <summary>
/// Queue pickup latency when idle (one message every 20 ms; enqueue → handler start) and full-lifecycle throughput
/// (enqueue, claim, complete) with producers and <see cref="QueueProcessor"/> consumers running together.
/// </summary>
internal static class QueueScenario
{
    public static async Task<ScenarioReport> RunAsync(Backend backend, RunnerOptions options)
    {
        var measurements = new List<Measurement>
        {
            await PickupAsync(backend.World, options.Duration).ConfigureAwait(false),
            await LifecycleAsync(backend.World, options, enqueueBatch: 1, handlersPerConsumer: 16).ConfigureAwait(false),
            await LifecycleAsync(backend.World, options, enqueueBatch: 100, handlersPerConsumer: 128).ConfigureAwait(false),
        };
        return new ScenarioReport("queue", backend.Kind, DateTimeOffset.UtcNow, backend.Machine, measurements, new Dictionary<string, double>());
    }

    private static async Task<Measurement> PickupAsync(IWorld world, TimeSpan duration)
    {
        const string queue = "__wkf_workflow_pickup";
        var recorder = new LatencyRecorder(1);
        var gate = new Lock();
        var processor = new QueueProcessor(world.Queue, new QueueProcessorOptions { Queues = [queue], Concurrency = 8 }, (message, _) =>
        {
            var sent = BitConverter.ToInt64(message.Payload.Span);
            lock (gate)
            {
                recorder.Record(0, sent);
            }

            return ValueTask.FromResult(QueueHandlerResult.Complete);
        });
        using var stop = new CancellationTokenSource();
        var consuming = processor.RunAsync(stop.Token);
        await Task.Delay(500).ConfigureAwait(false); // Idle: the consumer is waiting for a wake-up.

        var clock = Stopwatch.StartNew();
        long sentCount = 0;
        while (clock.Elapsed < duration)
        {
            await world.Queue.EnqueueAsync(queue, BitConverter.GetBytes(Stopwatch.GetTimestamp())).ConfigureAwait(false);
            sentCount++;
            await Task.Delay(20).ConfigureAwait(false);
        }

        await Task.Delay(500).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await consuming.ConfigureAwait(false);
        var measurement = new Measurement("pickup when idle (1 msg / 20 ms)", 1, sentCount, Math.Round(clock.Elapsed.TotalSeconds, 3), "message", recorder.Summarize());
        Console.WriteLine($"  {measurement.Name,-38} p50 {measurement.Latency.P50,8:N3} ms   p95 {measurement.Latency.P95,8:N3} ms   p99 {measurement.Latency.P99,8:N3} ms");
        return measurement;
    }

    /// <summary>
    /// Producers enqueue (one message per call, or <paramref name="enqueueBatch"/> per <see cref="IWorldQueue.EnqueueBatchAsync"/>)
    /// while two processors claim for all their free handler slots at once and complete through the backend's
    /// settlement path; more handler slots mean larger claims and larger completion groups.
    /// </summary>
    internal static async Task<Measurement> LifecycleAsync(IWorld world, RunnerOptions options, int enqueueBatch, int handlersPerConsumer)
    {
        var queue = $"__wkf_step_lifecycle_{enqueueBatch}";
        var producers = options.ConcurrencyOverride ?? 8;
        var recorder = new LatencyRecorder(1);
        var gate = new Lock();
        long completed = 0;
        QueueHandler handler = (message, _) =>
        {
            var sent = BitConverter.ToInt64(message.Payload.Span);
            lock (gate)
            {
                recorder.Record(0, sent);
            }

            Interlocked.Increment(ref completed);
            return ValueTask.FromResult(QueueHandlerResult.Complete);
        };
        using var stop = new CancellationTokenSource();
        var consumers = Enumerable.Range(0, 2)
            .Select(_ => new QueueProcessor(world.Queue, new QueueProcessorOptions { Queues = [queue], Concurrency = handlersPerConsumer, PollInterval = TimeSpan.FromMilliseconds(100) }, handler).RunAsync(stop.Token))
            .ToArray();

        var clock = Stopwatch.StartNew();
        var backlogLimit = Math.Max(2_000, 20 * enqueueBatch);
        long enqueued = 0;
        await Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < options.Duration)
            {
                if (Interlocked.Read(ref enqueued) - Interlocked.Read(ref completed) > backlogLimit)
                {
                    await Task.Delay(1).ConfigureAwait(false); // Keep the backlog bounded: measure flow, not a pile.
                    continue;
                }

                if (enqueueBatch == 1)
                {
                    await world.Queue.EnqueueAsync(queue, BitConverter.GetBytes(Stopwatch.GetTimestamp())).ConfigureAwait(false);
                }
                else
                {
                    var stamp = BitConverter.GetBytes(Stopwatch.GetTimestamp());
                    await world.Queue.EnqueueBatchAsync(queue, Enumerable.Repeat(new EnqueueRequest(stamp), enqueueBatch).ToArray()).ConfigureAwait(false);
                }

                Interlocked.Add(ref enqueued, enqueueBatch);
            }
        }))).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        var done = Interlocked.Read(ref completed);
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(consumers).ConfigureAwait(false);
        var name = enqueueBatch == 1
            ? $"lifecycle unbatched ({producers} producers, 2×{handlersPerConsumer} handlers)"
            : $"lifecycle batched ({producers} producers × {enqueueBatch}/enqueue, 2×{handlersPerConsumer} handlers)";
        var measurement = new Measurement(name, producers, done, Math.Round(seconds, 3), "job", recorder.Summarize());
        Console.WriteLine($"  {measurement.Name,-38} {measurement.PerSecond,12:N0} job/s   enqueue→start p50 {measurement.Latency.P50,8:N3} ms   p95 {measurement.Latency.P95,8:N3} ms");
        return measurement;
    }
}
