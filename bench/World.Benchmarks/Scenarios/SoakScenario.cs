using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using World.Benchmarks.Load;
using World.Queue;
using World.Runtime;

namespace World.Benchmarks.Scenarios;

/// <summary>
/// A long run under many consumers and a deep backlog, sampling memory, connections, lock waits and queue depth to
/// show whether they stay flat. The job queue starts with 100,000 pending messages (1 in 100 carries 1 MB) and is
/// topped up to that depth for the whole run; 100 handler slots over 20 <see cref="QueueProcessor"/>s drain it with
/// handlers of 0, 5 or 50 ms. Beside it, a <see cref="WorkflowWorker"/> runs <see cref="SoakWorkflow"/> started in
/// bursts of 10,000 through <see cref="IWorkflowClient.StartManyAsync"/> whenever fewer than 2,000 started runs are
/// unfinished.
/// </summary>
internal static class SoakScenario
{
    public const string JobQueue = "__wkf_step_soak";

    private const int Backlog = 100_000;
    private const int BurstSize = 10_000;
    private const int BurstThreshold = 2_000;
    private const int EnqueueBatch = 1_000;
    private const int Processors = 20;
    private const int WorkflowConcurrency = 32;
    private const int LargePayloadEvery = 100;
    private const int LargePayloadBytes = 1024 * 1024;
    private const int LargeInputEvery = 1_000;

    // One shared buffer per size: the producers must not be the ones allocating the megabytes being measured.
    private static readonly byte[] LargePayload = CreatePayload(LargePayloadBytes);

    /// <summary>The World's pool: claim loops, settlements, workflow invocations and starts share it.</summary>
    public const int WorldPoolSize = 100;

    public static async Task<ScenarioReport> RunAsync(Backend backend, RunnerOptions options)
    {
        var consumers = options.ConcurrencyOverride ?? 100;
        var world = backend.World;
        var probe = new ResourceProbe(backend.Raw, backend.Schema);
        var ledger = new StepLedger();
        var interval = TimeSpan.FromSeconds(Math.Clamp(options.Duration.TotalSeconds / 30, 2, 10));
        var warmup = TimeSpan.FromSeconds(Math.Max(10, options.Duration.TotalSeconds / 10));

        // The deep backlog, enqueued up front (outside the measured time).
        var setup = Stopwatch.StartNew();
        long enqueued = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(producer => Task.Run(async () =>
        {
            for (var batch = producer; batch < Backlog / EnqueueBatch; batch += 4)
            {
                await world.Queue.EnqueueBatchAsync(JobQueue, Batch(batch * EnqueueBatch)).ConfigureAwait(false);
                Interlocked.Add(ref enqueued, EnqueueBatch);
            }
        }))).ConfigureAwait(false);
        var setupSeconds = setup.Elapsed.TotalSeconds;
        Console.WriteLine($"  enqueued {Backlog:N0} messages ({Backlog / LargePayloadEvery:N0} of 1 MB) in {setupSeconds:N1} s; {consumers} consumers over {Processors} processors, workflow worker concurrency {WorkflowConcurrency}; sampling every {interval.TotalSeconds:N0} s");

        long jobsDone = 0;
        QueueHandler handler = async (message, cancellationToken) =>
        {
            var duration = SoakWorkflow.StepDurations[message.Payload.Span[0] % SoakWorkflow.StepDurations.Length];
            if (duration > TimeSpan.Zero)
            {
                await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
            }

            Interlocked.Increment(ref jobsDone);
            return QueueHandlerResult.Complete;
        };

        await using var services = BuildRuntime(world, ledger);
        var worker = services.GetRequiredService<WorkflowWorker>();
        var client = services.GetRequiredService<IWorkflowClient>();
        using var stop = new CancellationTokenSource();
        await worker.StartAsync(CancellationToken.None).ConfigureAwait(false);
        var processors = Enumerable.Range(0, Processors)
            .Select(i => new QueueProcessor(world.Queue, new QueueProcessorOptions { Queues = [JobQueue], Concurrency = Math.Max(1, consumers / Processors), Owner = $"soak-{i}" }, handler))
            .ToArray();
        var consuming = processors.Select(p => p.RunAsync(stop.Token)).ToArray();

        var clock = Stopwatch.StartNew();
        var refilling = RefillAsync(world, () => Interlocked.Read(ref enqueued) - Interlocked.Read(ref jobsDone), count => Interlocked.Add(ref enqueued, count), stop.Token);
        var bursts = new LatencyRecorder(1);
        long runsStarted = 0, burstCount = 0, startFailures = 0;
        var bursting = Task.Run(async () =>
        {
            var seed = 0;
            while (!stop.IsCancellationRequested)
            {
                if (Interlocked.Read(ref runsStarted) - ledger.Runs >= BurstThreshold)
                {
                    await Task.Delay(250, CancellationToken.None).ConfigureAwait(false);
                    continue;
                }

                var inputs = new SoakInput[BurstSize];
                for (var i = 0; i < inputs.Length; i++, seed++)
                {
                    inputs[i] = new SoakInput(seed, seed % LargeInputEvery == 0 ? LargePayload : null);
                }

                var started = Stopwatch.GetTimestamp();
                try
                {
                    await client.StartManyAsync<SoakWorkflow, SoakInput, int>(inputs, cancellationToken: CancellationToken.None).ConfigureAwait(false);
                    bursts.Record(0, started);
                    Interlocked.Add(ref runsStarted, BurstSize);
                    Interlocked.Increment(ref burstCount);
                    Console.WriteLine($"  burst {Interlocked.Read(ref burstCount)}: {BurstSize:N0} runs started in {Stopwatch.GetElapsedTime(started).TotalSeconds:N2} s at {clock.Elapsed.TotalSeconds:N0} s");
                }
                catch (Exception error) when (error is WorldException or NpgsqlException or TimeoutException)
                {
                    Interlocked.Increment(ref startFailures);
                    Console.WriteLine($"  burst failed: {error.GetType().Name}: {error.Message}");
                }
            }
        });

        var samples = new List<SoakSample>();
        var previous = (Seconds: 0.0, Jobs: 0L, Runs: 0L, Steps: 0L, Reading: await probe.ReadAsync(CancellationToken.None).ConfigureAwait(false));
        while (clock.Elapsed < options.Duration)
        {
            await Task.Delay(interval).ConfigureAwait(false);
            var reading = await probe.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            var seconds = clock.Elapsed.TotalSeconds;
            var (jobs, runs, steps) = (Interlocked.Read(ref jobsDone), ledger.Runs, ledger.Steps);
            var span = seconds - previous.Seconds;
            var sample = new SoakSample(
                Math.Round(seconds, 1),
                Math.Round((jobs - previous.Jobs) / span, 1),
                Math.Round((runs - previous.Runs) / span, 1),
                Math.Round((steps - previous.Steps) / span, 1),
                reading.WorkingSetMb,
                reading.GcHeapMb,
                reading.GcAllocatedMb,
                reading.Gen2Collections - previous.Reading.Gen2Collections,
                reading.Connections,
                reading.WorldConnections,
                reading.LockWaits,
                reading.Deadlocks - previous.Reading.Deadlocks,
                reading.QueueDepths.GetValueOrDefault(JobQueue),
                reading.QueueDepths.GetValueOrDefault(WorkflowQueueName));
            samples.Add(sample);
            Console.WriteLine($"  {sample.Seconds,6:N0} s  jobs/s {sample.JobsPerSecond,7:N0}  runs/s {sample.RunsPerSecond,5:N0}  ws {sample.WorkingSetMb,6:N0} MB  heap {sample.GcHeapMb,6:N0} MB  gen2 +{sample.Gen2Collections}  conns {sample.Connections} (world {sample.WorldConnections})  lock waits {sample.LockWaits}  depth {sample.JobQueueDepth:N0} / wf {sample.WorkflowQueueDepth:N0}");
            previous = (seconds, jobs, runs, steps, reading);
        }

        var measuredSeconds = clock.Elapsed.TotalSeconds;
        var (totalJobs, totalRuns, totalSteps) = (Interlocked.Read(ref jobsDone), ledger.Runs, ledger.Steps);
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(consuming).ConfigureAwait(false);
        await Task.WhenAll(refilling, bursting).ConfigureAwait(false);
        await worker.StopAsync(CancellationToken.None).ConfigureAwait(false);

        var measured = samples.Where(s => s.Seconds >= warmup.TotalSeconds).ToList();
        var flatness = new List<FlatnessCheck>
        {
            Flatness.Analyze("working set (MB)", Points(measured, static s => s.WorkingSetMb), 0.25),
            Flatness.Analyze("GC heap (MB)", Points(measured, static s => s.GcHeapMb), 0.25),
            Flatness.Analyze("database connections", Points(measured, static s => s.Connections ?? double.NaN), 0.25),
            Flatness.Analyze("job queue depth", Points(measured, static s => s.JobQueueDepth), 0.25),
            Flatness.Analyze("jobs/s", Points(measured, static s => s.JobsPerSecond), 0.25),
            Flatness.Analyze("runs/s", Points(measured, static s => s.RunsPerSecond), 0.25),
        };
        Console.WriteLine($"  flatness over {measured.Count} samples after {warmup.TotalSeconds:N0} s of warm-up (first third → last third, slope per minute):");
        foreach (var check in flatness)
        {
            Console.WriteLine($"    {check.Series,-22} {check.FirstThird,10:N1} → {check.LastThird,10:N1}  ({check.Change,7:P1})  slope {check.SlopePerMinute,9:N2}/min  {(check.Flat ? "flat" : "NOT FLAT")}");
        }

        var checks = backend.Raw is { } raw && backend.Schema is { } schema
            ? await EndChecks.ReadAsync(raw, schema, WorkflowQueueName, [JobQueue]).ConfigureAwait(false)
            : new Dictionary<string, long>();
        checks["start bursts failed"] = Interlocked.Read(ref startFailures);
        checks["max lock waits in a sample"] = measured.Count == 0 ? 0 : measured.Max(static s => s.LockWaits ?? 0);
        checks["deadlocks"] = samples.Sum(static s => s.Deadlocks ?? 0);
        checks["gen2 collections"] = samples.Sum(static s => s.Gen2Collections);
        foreach (var (name, value) in checks)
        {
            Console.WriteLine($"  check {name}: {value:N0}");
        }

        var measurements = new List<Measurement>
        {
            new($"queue jobs ({consumers} consumers, {Backlog:N0} backlog)", consumers, totalJobs, Math.Round(measuredSeconds, 3), "job", new LatencySummary(0, 0, 0, 0, 0)),
            new($"workflow runs (3 steps of 0/5/50 ms, worker concurrency {WorkflowConcurrency})", WorkflowConcurrency, totalRuns, Math.Round(measuredSeconds, 3), "run", new LatencySummary(0, 0, 0, 0, 0)),
            new("workflow steps", WorkflowConcurrency, totalSteps, Math.Round(measuredSeconds, 3), "step", new LatencySummary(0, 0, 0, 0, 0)),
            new($"burst of {BurstSize:N0} run starts (StartManyAsync)", 1, Interlocked.Read(ref burstCount), Math.Round(measuredSeconds, 3), "burst", bursts.Summarize()),
            new($"initial enqueue of {Backlog:N0} messages", 4, Backlog, Math.Round(setupSeconds, 3), "message", new LatencySummary(0, 0, 0, 0, 0)),
        };
        foreach (var measurement in measurements)
        {
            Console.WriteLine($"  {measurement.Name,-60} {measurement.Operations,10:N0} in {measurement.Seconds,6:N1} s = {measurement.PerSecond,10:N1} {measurement.Unit}/s");
        }

        var ratios = flatness.Where(static f => !double.IsNaN(f.Change)).ToDictionary(static f => $"{f.Series}: last third ÷ first third", static f => Math.Round(1 + f.Change, 3));
        return new ScenarioReport("soak", backend.Kind, DateTimeOffset.UtcNow, backend.Machine, measurements, ratios)
        {
            Checks = checks,
            Samples = samples,
            Flatness = flatness,
        };
    }

    private static string WorkflowQueueName => new WorkflowRuntimeOptions().QueueName;

    /// <summary>Tops the job queue up to <see cref="Backlog"/> for the whole run, so the backlog stays deep, not drained.</summary>
    private static Task RefillAsync(IWorld world, Func<long> depth, Action<long> enqueued, CancellationToken stop) => Task.Run(async () =>
    {
        var next = Backlog;
        while (!stop.IsCancellationRequested)
        {
            if (depth() >= Backlog)
            {
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            try
            {
                await world.Queue.EnqueueBatchAsync(JobQueue, Batch(next)).ConfigureAwait(false);
                enqueued(EnqueueBatch);
                next += EnqueueBatch;
            }
            catch (Exception error) when (error is WorldException or NpgsqlException or TimeoutException)
            {
                Console.WriteLine($"  refill failed: {error.GetType().Name}: {error.Message}");
                await Task.Delay(1_000, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }, CancellationToken.None);

    /// <summary>Messages <paramref name="first"/>… of the backlog: the first byte picks the handler's duration; 1 in 100 is 1 MB.</summary>
    private static EnqueueRequest[] Batch(int first)
    {
        var batch = new EnqueueRequest[EnqueueBatch];
        for (var i = 0; i < batch.Length; i++)
        {
            var n = first + i;
            batch[i] = new EnqueueRequest(n % LargePayloadEvery == 0 ? LargePayload : new[] { (byte)(n % SoakWorkflow.StepDurations.Length) });
        }

        return batch;
    }

    private static byte[] CreatePayload(int size)
    {
        var payload = new byte[size];
        Random.Shared.NextBytes(payload); // Incompressible, like the images and documents that make payloads large.
        payload[0] = 0; // The zero-duration handler: large messages test transfer, not sleeping.
        return payload;
    }

    private static List<(double Seconds, double Value)> Points(List<SoakSample> samples, Func<SoakSample, double> value) =>
        samples.Select(s => (s.Seconds, value(s))).Where(static p => !double.IsNaN(p.Item2)).ToList();

    private static ServiceProvider BuildRuntime(IWorld world, StepLedger ledger)
    {
        var services = new ServiceCollection();
        services.AddSingleton(ledger);
        var builder = services.AddWorld();
        services.AddSingleton(world);
        builder.AddWorkflow<SoakWorkflow>().AddWorkflowRuntime(o =>
        {
            o.Concurrency = WorkflowConcurrency;
            o.RecoverOnStart = false;
        });
        return services.BuildServiceProvider();
    }
}
