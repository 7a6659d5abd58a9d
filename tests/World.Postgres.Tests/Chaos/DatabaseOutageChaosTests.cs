using World.Postgres.Testing;

namespace World.Postgres.Tests.Chaos;

/// <summary>Scenario 2: PostgreSQL restarted, or stopped for a while and started again, under load; the workers reconnect on their own.</summary>
[Collection(ChaosCollection.Name)]
public sealed class DatabaseOutageChaosTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Workers_reconnect_by_themselves_after_pg_ctl_restart_under_load()
    {
        await using var chaos = await ChaosEnvironment.StartAsync(maxDeliveries: 10, Cancellation);
        await chaos.StartWorkersAsync(3, WorkerSpec.Default, Cancellation);
        await chaos.StartLoadAsync(ChaosSettings.Runs(120), Cancellation);
        for (var round = 0; round < ChaosSettings.Factor; round++)
        {
            await ChaosProbes.WorkerInsideStepAsync(chaos, "slow", TimeSpan.FromMilliseconds(300), Cancellation);
            var fault = chaos.Faults.Begin("pg_ctl restart -m fast");
            await chaos.Server.RestartAsync(PostgresStopMode.Fast, Cancellation);
            chaos.Faults.Finish(fault);
            await Task.Delay(TimeSpan.FromSeconds(2), Cancellation);
        }

        await new WorldInvariants(chaos).AssertHoldAsync(Cancellation);
    }

    [Fact]
    public async Task Workers_reconnect_by_themselves_after_the_server_was_down_for_a_while()
    {
        var downtime = ChaosSettings.IsSoak ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(3);
        await using var chaos = await ChaosEnvironment.StartAsync(maxDeliveries: 10, Cancellation);
        await chaos.StartWorkersAsync(3, WorkerSpec.Default, Cancellation);
        await chaos.StartLoadAsync(ChaosSettings.Runs(120), Cancellation);
        for (var round = 0; round < ChaosSettings.Factor; round++)
        {
            await ChaosProbes.WorkerInsideStepAsync(chaos, "slow", TimeSpan.FromMilliseconds(300), Cancellation);

            // Immediate: the server dies as in a crash (no clean shutdown, recovery on start).
            var fault = chaos.Faults.Begin($"server stopped (-m immediate) for {downtime.TotalSeconds:0} s");
            await chaos.Server.StopAsync(PostgresStopMode.Immediate, Cancellation);
            await Task.Delay(downtime, Cancellation);
            await chaos.Server.StartAgainAsync(Cancellation);
            chaos.Faults.Finish(fault);
            await Task.Delay(TimeSpan.FromSeconds(2), Cancellation);
        }

        await new WorldInvariants(chaos).AssertHoldAsync(Cancellation);
    }
}
