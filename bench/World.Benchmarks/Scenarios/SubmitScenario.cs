using World.Benchmarks.Load;

namespace World.Benchmarks.Scenarios;

/// <summary>
/// Run starts per second: <c>run_created</c> (the submission) one per call at increasing concurrency, then
/// <see cref="BatchSize"/> per <see cref="IEventStore.CreateRunsAsync"/> call.
/// </summary>
internal static class SubmitScenario
{
    private const int BatchSize = 100;

    private static readonly byte[] Input = new byte[100];

    public static async Task<ScenarioReport> RunAsync(Backend backend, RunnerOptions options)
    {
        var measurements = new List<Measurement>();
        foreach (var concurrency in options.ConcurrencyOverride is { } c ? [c] : new[] { 1, 16, 64 })
        {
            measurements.Add(await LoadLoop.RunAsync("run_created (single submission)", concurrency, options.Duration, TimeSpan.FromSeconds(2), "run", async _ =>
            {
                await backend.World.Events.CreateAsync(null, new EventRequest(new RunCreated("dpl_bench", "workflow//bench", Input))).ConfigureAwait(false);
                return 1;
            }).ConfigureAwait(false));
        }

        var batch = Enumerable.Repeat(new RunCreationRequest(new RunCreated("dpl_bench", "workflow//bench", Input)), BatchSize).ToArray();
        foreach (var concurrency in options.ConcurrencyOverride is { } c ? [c] : new[] { 1, 4 })
        {
            // The rate counts runs; latency is a call's time divided by its runs.
            measurements.Add(await LoadLoop.RunAsync($"run_created ({BatchSize} per CreateRunsAsync)", concurrency, options.Duration, TimeSpan.FromSeconds(2), "run", async _ =>
            {
                var results = await backend.World.Events.CreateRunsAsync(batch).ConfigureAwait(false);
                return results.Count;
            }).ConfigureAwait(false));
        }

        return new ScenarioReport("submit", backend.Kind, DateTimeOffset.UtcNow, backend.Machine, measurements, new Dictionary<string, double>());
    }
}
