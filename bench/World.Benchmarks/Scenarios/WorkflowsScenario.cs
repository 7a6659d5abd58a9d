using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using World.Benchmarks.Load;
using World.Runtime;

namespace World.Benchmarks.Scenarios;

/// <summary>
/// A three-step workflow through World.Runtime, end to end: clients start runs and await their results while the
/// hosted worker executes them. Reports runs/s and steps/s, time to first step (start call → first step body) and
/// step-to-step overhead (end of a step body → start of the next).
/// </summary>
internal static class WorkflowsScenario
{
    public static async Task<ScenarioReport> RunAsync(Backend backend, RunnerOptions options)
    {
        var measurements = new List<Measurement>();
        var ratios = new Dictionary<string, double>();
        foreach (var concurrency in options.ConcurrencyOverride is { } c ? [c] : new[] { 1, 16 })
        {
            var raw = backend.Raw is { } dataSource ? await RawBaseline.RunAsync(dataSource, concurrency, options.Duration / 2).ConfigureAwait(false) : null;
            if (raw is not null)
            {
                measurements.Add(raw);
            }

            var timings = new StepTimings();
            await using var services = BuildRuntime(backend.World, timings, concurrency);
            var worker = services.GetRequiredService<WorkflowWorker>();
            await worker.StartAsync(CancellationToken.None).ConfigureAwait(false);
            var client = services.GetRequiredService<IWorkflowClient>();
            var firstStep = new LatencyRecorder(concurrency);
            var stepToStep = new LatencyRecorder(concurrency);

            // Warm-up outside the measurement: JIT, pools, prepared statements.
            for (var i = 0; i < 20; i++)
            {
                var warm = await client.StartAsync<ThreeStepWorkflow, int, int>(0).ConfigureAwait(false);
                await warm.GetResultAsync().ConfigureAwait(false);
                timings.Take(warm.RunId);
            }

            var runs = await LoadLoop.RunAsync("three-step workflow (run → result)", concurrency, options.Duration, TimeSpan.Zero, "run", async workerIndex =>
            {
                var started = Stopwatch.GetTimestamp();
                var run = await client.StartAsync<ThreeStepWorkflow, int, int>(0).ConfigureAwait(false);
                await run.GetResultAsync().ConfigureAwait(false);
                var marks = timings.Take(run.RunId);
                firstStep.RecordTicks(workerIndex, marks[0] - started);
                for (var step = 1; step < ThreeStepWorkflow.Steps; step++)
                {
                    stepToStep.RecordTicks(workerIndex, marks[step * 2] - marks[(step * 2) - 1]);
                }

                return 1;
            }).ConfigureAwait(false);
            await worker.StopAsync(CancellationToken.None).ConfigureAwait(false);

            measurements.Add(runs);
            measurements.Add(Derived("steps (3 per run)", runs, ThreeStepWorkflow.Steps, "step", runs.Latency));
            measurements.Add(Derived("time to first step", runs, 1, "run", firstStep.Summarize()));
            measurements.Add(Derived("step-to-step overhead", runs, ThreeStepWorkflow.Steps - 1, "step", stepToStep.Summarize()));
            foreach (var measurement in measurements.TakeLast(3))
            {
                Console.WriteLine($"  {measurement.Name,-38} c={concurrency,-3} {measurement.PerSecond,12:N0} {measurement.Unit}/s   p50 {measurement.Latency.P50,8:N3} ms   p95 {measurement.Latency.P95,8:N3} ms   p99 {measurement.Latency.P99,8:N3} ms");
            }

            if (raw is not null)
            {
                // steps/s against the machine's commits/s, and the step-to-step p50 in units of one raw commit's p50.
                var steps = measurements[^3];
                var overhead = measurements[^1];
                ratios[$"steps/s ÷ raw commits/s @c={concurrency}"] = Math.Round(steps.PerSecond / raw.PerSecond, 3);
                ratios[$"step-to-step p50 in raw commit p50s @c={concurrency}"] = Math.Round(overhead.Latency.P50 / raw.Latency.P50, 2);
            }
        }

        return new ScenarioReport("workflows", backend.Kind, DateTimeOffset.UtcNow, backend.Machine, measurements, ratios);
    }

    private static Measurement Derived(string name, Measurement runs, int perRun, string unit, LatencySummary latency) =>
        new(name, runs.Concurrency, runs.Operations * perRun, runs.Seconds, unit, latency);

    private static ServiceProvider BuildRuntime(IWorld world, StepTimings timings, int concurrency)
    {
        var services = new ServiceCollection();
        services.AddSingleton(timings);
        var builder = services.AddWorld();
        services.AddSingleton(world);
        builder.AddWorkflow<ThreeStepWorkflow>().AddWorkflowRuntime(o =>
        {
            o.Concurrency = Math.Max(concurrency, 1);
            o.RecoverOnStart = false;
        });
        return services.BuildServiceProvider();
    }
}
