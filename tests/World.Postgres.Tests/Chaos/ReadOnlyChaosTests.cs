namespace World.Postgres.Tests.Chaos;

/// <summary>
/// Scenario 6: the database turns read-only under load (as a primary does when its disk fills, or after a failover to
/// a standby): every write fails with SQLSTATE 25006 until it is writable again. The workers survive and resume.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ReadOnlyChaosTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Workers_survive_a_read_only_database_and_resume_when_it_is_writable_again()
    {
        await using var chaos = await ChaosEnvironment.StartAsync(maxDeliveries: 10, Cancellation);
        await chaos.StartWorkersAsync(3, WorkerSpec.Default, Cancellation);
        await chaos.StartLoadAsync(ChaosSettings.Runs(120), Cancellation);
        await ChaosProbes.WorkerInsideStepAsync(chaos, "slow", TimeSpan.FromMilliseconds(300), Cancellation);

        var duration = ChaosSettings.Duration(TimeSpan.FromSeconds(4));
        var fault = chaos.Faults.Begin($"database read-only for {duration.TotalSeconds:0} s");
        try
        {
            // Sessions take the database default when they start: the workers' sessions are ended, as a failover would.
            await chaos.ExecuteOnServerAsync($"ALTER DATABASE {ChaosEnvironment.Database} SET default_transaction_read_only = on", Cancellation);
            await chaos.TerminateWorkerBackendsAsync(1000, Cancellation);
            await Task.Delay(duration, Cancellation);
        }
        finally
        {
            await chaos.ExecuteOnServerAsync($"ALTER DATABASE {ChaosEnvironment.Database} RESET default_transaction_read_only", CancellationToken.None);
            await chaos.TerminateWorkerBackendsAsync(1000, CancellationToken.None);
            chaos.Faults.Finish(fault);
        }

        await new WorldInvariants(chaos).AssertHoldAsync(Cancellation);
    }
}
