using World.Benchmarks.Load;

namespace World.Benchmarks.Scenarios;

/// <summary>Run starts per second: <c>run_created</c> (the submission) at increasing concurrency.</summary>
internal static class SubmitScenario
{
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

        return new ScenarioReport("submit", backend.Kind, DateTimeOffset.UtcNow, backend.Machine, measurements, new Dictionary<string, double>());
    }
}
