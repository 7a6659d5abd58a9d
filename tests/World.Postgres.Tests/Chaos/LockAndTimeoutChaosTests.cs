namespace World.Postgres.Tests.Chaos;

/// <summary>
/// Scenario 4: a statement timeout on the workers' role while another session holds locks on the queue table and on
/// running runs, so the workers' claims, settlements and event writes are cancelled by the server (SQLSTATE 57014).
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class LockAndTimeoutChaosTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Workers_survive_statement_timeouts_and_lock_waits()
    {
        await using var chaos = await ChaosEnvironment.StartAsync(maxDeliveries: 10, Cancellation);
        await chaos.StartWorkersAsync(3, WorkerSpec.Default, Cancellation);
        await chaos.StartLoadAsync(ChaosSettings.Runs(120), Cancellation);
        await ChaosProbes.WorkerInsideStepAsync(chaos, "slow", TimeSpan.FromMilliseconds(300), Cancellation);

        var fault = chaos.Faults.Begin("statement_timeout 150 ms for the workers; queue table and 5 running runs locked 1 s at a time");
        await chaos.ExecuteAsync($"ALTER ROLE {ChaosEnvironment.WorkerRole} SET statement_timeout = '150ms'", Cancellation);
        await chaos.TerminateWorkerBackendsAsync(1000, Cancellation); // New sessions take the role's setting.
        try
        {
            for (var until = DateTimeOffset.UtcNow + ChaosSettings.Duration(TimeSpan.FromSeconds(6)); DateTimeOffset.UtcNow < until;)
            {
                await using (var connection = await chaos.Admin.OpenConnectionAsync(Cancellation))
                await using (var transaction = await connection.BeginTransactionAsync(Cancellation))
                {
                    await using var locks = new Npgsql.NpgsqlCommand(
                        $"""
                        LOCK TABLE {ChaosEnvironment.Schema}.queue_messages IN EXCLUSIVE MODE;
                        SELECT run_id FROM {ChaosEnvironment.Schema}.runs WHERE status = 'running' ORDER BY random() LIMIT 5 FOR UPDATE;
                        """,
                        connection,
                        transaction);
                    await locks.ExecuteNonQueryAsync(Cancellation);
                    await Task.Delay(1000, Cancellation);
                    await transaction.RollbackAsync(Cancellation);
                }

                await Task.Delay(500, Cancellation);
            }
        }
        finally
        {
            await chaos.ExecuteAsync($"ALTER ROLE {ChaosEnvironment.WorkerRole} RESET statement_timeout", CancellationToken.None);
            await chaos.TerminateWorkerBackendsAsync(1000, CancellationToken.None);
            chaos.Faults.Finish(fault);
        }

        await new WorldInvariants(chaos).AssertHoldAsync(Cancellation);
    }
}
