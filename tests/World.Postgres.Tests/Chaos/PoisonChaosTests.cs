namespace World.Postgres.Tests.Chaos;

/// <summary>
/// Scenario 7: poison workflows, one that crashes its worker process on every delivery and one whose code throws on
/// the workflow's scheduler on every invocation, among ordinary runs. A supervisor replaces crashed workers, as a
/// deployment's would. Both poisons end failed with <c>MAX_DELIVERIES_EXCEEDED</c>; the ordinary runs complete.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class PoisonChaosTests
{
    private const int MaxDeliveries = 3;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Poison_workflows_fail_with_MAX_DELIVERIES_EXCEEDED_and_other_runs_complete()
    {
        await using var chaos = await ChaosEnvironment.StartAsync(MaxDeliveries, Cancellation);
        var spec = WorkerSpec.Default with { Workflows = ["chaos-steps", "chaos-poison-crash", "chaos-poison-throw"], MaxDeliveries = MaxDeliveries };
        await chaos.StartWorkersAsync(2, spec, Cancellation);
        chaos.Workers.ReplaceDeliberateCrashes();

        var poisoned = new RunExpectation(RunStatus.Failed, "MAX_DELIVERIES_EXCEEDED");

        // The crash comes a second into the poison's step, so runs claimed with it (short ones) finish first.
        await chaos.StartRunsAsync("chaos-poison-crash", ChaosSettings.Factor, _ => 1000, poisoned, Cancellation);
        await chaos.StartRunsAsync("chaos-poison-throw", ChaosSettings.Factor, _ => 20, poisoned, Cancellation);
        for (var batch = 0; batch < 4 * ChaosSettings.Factor; batch++)
        {
            await chaos.StartRunsAsync("chaos-steps", 10, _ => 200, RunExpectation.Completed, Cancellation);
            await Task.Delay(1500, Cancellation);
        }

        await new WorldInvariants(chaos).AssertHoldAsync(Cancellation);
    }
}
