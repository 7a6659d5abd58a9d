using World.Benchmarks.Load;

namespace World.Benchmarks.Scenarios;

/// <summary>
/// The full event sequence of a one-step run through <c>Events.CreateAsync</c>, beside (PostgreSQL) a raw one-row
/// INSERT per transaction with plain Npgsql at the same concurrency, measured in the same run.
/// </summary>
internal static class EventsScenario
{
    private static readonly byte[] Payload = new byte[100];

    public static async Task<ScenarioReport> RunAsync(Backend backend, RunnerOptions options)
    {
        var measurements = new List<Measurement>();
        var ratios = new Dictionary<string, double>();
        foreach (var concurrency in options.ConcurrencyOverride is { } c ? [c] : new[] { 1, 16 })
        {
            Measurement? raw = null;
            if (backend.Raw is { } dataSource)
            {
                raw = await RawBaseline.RunAsync(dataSource, concurrency, options.Duration).ConfigureAwait(false);
                measurements.Add(raw);
            }

            var events = await LoadLoop.RunAsync("events.create (one-step run, 6 events)", concurrency, options.Duration, TimeSpan.FromSeconds(2), "event", _ => OneStepRunAsync(backend.World)).ConfigureAwait(false);
            measurements.Add(events);
            if (raw is not null)
            {
                ratios[$"events/s ÷ raw commits/s @c={concurrency}"] = Math.Round(events.PerSecond / raw.PerSecond, 3);
            }
        }

        return new ScenarioReport("events", backend.Kind, DateTimeOffset.UtcNow, backend.Machine, measurements, ratios);
    }

    /// <summary>run_created, run_started, step_created, step_started, step_completed, run_completed: six events.</summary>
    public static async Task<int> OneStepRunAsync(IWorld world)
    {
        var created = await world.Events.CreateAsync(null, new EventRequest(new RunCreated("dpl_bench", "workflow//bench", Payload))).ConfigureAwait(false);
        var runId = created.Run!.RunId;
        await world.Events.CreateAsync(runId, new EventRequest(new RunStarted()), new CreateEventOptions { SkipPreload = true }).ConfigureAwait(false);
        await world.Events.CreateAsync(runId, new EventRequest(new StepCreated("step//charge", Payload), "step_1")).ConfigureAwait(false);
        await world.Events.CreateAsync(runId, new EventRequest(new StepStarted(), "step_1")).ConfigureAwait(false);
        await world.Events.CreateAsync(runId, new EventRequest(new StepCompleted(Payload), "step_1")).ConfigureAwait(false);
        await world.Events.CreateAsync(runId, new EventRequest(new RunCompleted(Payload))).ConfigureAwait(false);
        return 6;
    }
}
