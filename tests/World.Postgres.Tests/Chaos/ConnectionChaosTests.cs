namespace World.Postgres.Tests.Chaos;

/// <summary>
/// Scenarios 3 and 5: the workers' connections terminated by the server in a loop under load, and workers whose
/// connection pool is far smaller than their concurrency.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ConnectionChaosTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Workers_survive_their_connections_being_terminated_in_a_loop()
    {
        await using var chaos = await ChaosEnvironment.StartAsync(maxDeliveries: 10, Cancellation);
        await chaos.StartWorkersAsync(3, WorkerSpec.Default, Cancellation);
        await chaos.StartLoadAsync(ChaosSettings.Runs(120), Cancellation);

        var duration = ChaosSettings.Duration(TimeSpan.FromSeconds(8));
        var fault = chaos.Faults.Begin($"pg_terminate_backend of 2 random worker connections every 200 ms for {duration.TotalSeconds:0} s");
        var terminated = 0;
        for (var until = DateTimeOffset.UtcNow + duration; DateTimeOffset.UtcNow < until;)
        {
            terminated += await chaos.TerminateWorkerBackendsAsync(2, Cancellation);
            await Task.Delay(200, Cancellation);
        }

        chaos.Faults.Finish(fault);
        Assert.True(terminated > 0, "the loop terminated worker connections");
        await new WorldInvariants(chaos).AssertHoldAsync(Cancellation);
    }

    // The precise form of a blip: one lease renewal of a worker inside a long step loses its connection. The worker
    // must keep its lease (retry the renewal) or stop the step before another worker can take the run: never two
    // executions of the step at once.
    [Fact]
    public async Task A_lease_renewal_killed_once_never_lets_two_workers_run_one_step_at_once()
    {
        await using var chaos = await ChaosEnvironment.StartAsync(maxDeliveries: 10, Cancellation);
        await chaos.StartWorkersAsync(2, WorkerSpec.Default, Cancellation);
        await chaos.StartRunsAsync("chaos-steps", ChaosSettings.Runs(4), _ => 6000, RunExpectation.Completed, Cancellation);
        for (var round = 0; round < ChaosSettings.Factor; round++)
        {
            var victim = await ChaosProbes.WorkerInsideStepAsync(chaos, "slow", TimeSpan.FromMilliseconds(300), Cancellation);
            await using var connection = await chaos.Admin.OpenConnectionAsync(Cancellation);
            await using var transaction = await connection.BeginTransactionAsync(Cancellation);
            var fault = chaos.Faults.Begin($"the lease renewals of {victim.Name} blocked on row locks, then their connections terminated");
            await using (var lockRows = new Npgsql.NpgsqlCommand($"SELECT message_id FROM {ChaosEnvironment.Schema}.queue_messages WHERE lease_owner = $1 FOR UPDATE", connection, transaction))
            {
                lockRows.Parameters.Add(new Npgsql.NpgsqlParameter { Value = victim.Name });
                await lockRows.ExecuteNonQueryAsync(Cancellation);
            }

            await ChaosProbes.WorkerBlockedInAsync(chaos, "%SET lease_expires_at%", $"{victim.Name} blocked in a lease renewal", Cancellation, victim.Name);
            await using (var terminate = new Npgsql.NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' AND query LIKE '%SET lease_expires_at%'",
                connection,
                transaction))
            {
                terminate.Parameters.Add(new Npgsql.NpgsqlParameter { Value = victim.Name });
                Assert.True((long)(await terminate.ExecuteScalarAsync(Cancellation))! > 0, "a blocked renewal was terminated");
            }

            await transaction.RollbackAsync(Cancellation);
            chaos.Faults.Finish(fault);
            await ChaosProbes.QueueDrainedAsync(chaos, Cancellation);
            if (round + 1 < ChaosSettings.Factor)
            {
                await chaos.StartRunsAsync("chaos-steps", 4, _ => 6000, RunExpectation.Completed, Cancellation);
            }
        }

        await new WorldInvariants(chaos).AssertHoldAsync(Cancellation);
    }

    [Fact]
    public async Task Workers_survive_an_exhausted_connection_pool()
    {
        await using var chaos = await ChaosEnvironment.StartAsync(maxDeliveries: 10, Cancellation);

        // Eight handlers (each with a heartbeat), a claim loop and a listener share three connections, and a caller
        // waits at most one second for one: pool timeouts all along.
        var fault = chaos.Faults.Begin("worker pools of 3 connections with a 1 s timeout, for 8 concurrent invocations");
        var spec = WorkerSpec.Default with
        {
            Connection = connection =>
            {
                connection.MaxPoolSize = 3;
                connection.Timeout = 1;
            },
        };
        await chaos.StartWorkersAsync(3, spec, Cancellation);
        await chaos.StartLoadAsync(ChaosSettings.Runs(90), Cancellation);
        try
        {
            await new WorldInvariants(chaos).AssertHoldAsync(Cancellation);
        }
        finally
        {
            chaos.Faults.Finish(fault);
        }
    }
}
