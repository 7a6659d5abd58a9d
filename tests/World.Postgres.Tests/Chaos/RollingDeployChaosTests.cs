namespace World.Postgres.Tests.Chaos;

/// <summary>
/// Scenario 8: a rolling deploy. The old code version knows <c>chaos-steps</c>; the new one also knows
/// <c>chaos-steps-v2</c>. Runs of the new workflow started while only the old version runs must wait for the new
/// version (never fail "not registered"), and complete once it is up; the old version is then stopped gracefully.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class RollingDeployChaosTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Runs_of_a_workflow_only_the_new_version_knows_wait_for_it_and_complete()
    {
        await using var chaos = await ChaosEnvironment.StartAsync(maxDeliveries: 10, Cancellation);
        var oldVersion = WorkerSpec.Default;
        var newVersion = WorkerSpec.Default with { Workflows = ["chaos-steps", "chaos-steps-v2"] };
        var old = await chaos.StartWorkersAsync(2, oldVersion, Cancellation);

        await chaos.StartRunsAsync("chaos-steps-v2", ChaosSettings.Runs(30), _ => 200, RunExpectation.Completed, Cancellation);
        await chaos.StartLoadAsync(ChaosSettings.Runs(30), Cancellation);
        await Task.Delay(ChaosSettings.IsSoak ? TimeSpan.FromSeconds(15) : TimeSpan.FromSeconds(3), Cancellation);

        // Roll: one new worker up, one old down, the second new up, the second old down.
        foreach (var retiring in old)
        {
            await chaos.Workers.StartAsync(newVersion, Cancellation);
            await retiring.StopGracefullyAsync(Cancellation);
        }

        await new WorldInvariants(chaos).AssertHoldAsync(Cancellation);
    }
}
