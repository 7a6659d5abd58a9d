using Npgsql;

namespace World.Postgres.Tests.Chaos;

/// <summary>Scenario 1: worker processes SIGKILLed mid-step, mid-claim and mid-renewal under load; the rest finish every run.</summary>
[Collection(ChaosCollection.Name)]
public sealed class WorkerCrashChaosTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Workers_killed_mid_step_mid_claim_and_mid_renewal_leave_every_run_to_the_others()
    {
        await using var chaos = await ChaosEnvironment.StartAsync(maxDeliveries: 10, Cancellation);
        await chaos.StartWorkersAsync(3, WorkerSpec.Default, Cancellation);
        for (var round = 0; round < ChaosSettings.Factor; round++)
        {
            await ChaosProbes.QueueDrainedAsync(chaos, Cancellation);
            await KillMidClaimAsync(chaos, () => chaos.StartLoadAsync(150, Cancellation));
            await KillMidStepAsync(chaos);
            await KillMidRenewalAsync(chaos);
        }

        await new WorldInvariants(chaos).AssertHoldAsync(Cancellation);
    }

    private static async Task KillMidStepAsync(ChaosEnvironment chaos)
    {
        var victim = await ChaosProbes.WorkerInsideStepAsync(chaos, "slow", TimeSpan.FromMilliseconds(200), Cancellation);
        await chaos.Workers.KillAndReplaceAsync(victim, "mid-step", Cancellation);
    }

    // The queue table locked, every claim blocks in its first statement (the reclaim of expired leases), and so does
    // the enqueue of the load started meanwhile. Idle workers poll, so one is soon caught mid-claim: it is killed there,
    // then the lock goes and the load flows. (Under load a worker only claims when a handler settles, and settlements
    // wait for the lock too, so the moment is caught at idle.)
    private static async Task KillMidClaimAsync(ChaosEnvironment chaos, Func<Task> startLoad)
    {
        await using var connection = await chaos.Admin.OpenConnectionAsync(Cancellation);
        await using var transaction = await connection.BeginTransactionAsync(Cancellation);
        var fault = chaos.Faults.Begin("queue_messages locked exclusively (claims and settlements wait)");
        await using (var lockTable = new NpgsqlCommand($"LOCK TABLE {ChaosEnvironment.Schema}.queue_messages IN EXCLUSIVE MODE", connection, transaction))
        {
            await lockTable.ExecuteNonQueryAsync(Cancellation);
        }

        var load = startLoad();
        var victim = await ChaosProbes.WorkerBlockedInAsync(chaos, "%WITH expired AS%", "a worker blocked in its claim", Cancellation);
        await victim.KillAsync("mid-claim");
        await transaction.RollbackAsync(Cancellation);
        chaos.Faults.Finish(fault);
        await load;
        await chaos.Workers.StartAsync(victim.Spec, Cancellation);
    }

    // The leased messages of a worker inside a long step row-locked, its next heartbeat blocks in the renewal: it is
    // killed there.
    private static async Task KillMidRenewalAsync(ChaosEnvironment chaos)
    {
        var victim = await ChaosProbes.WorkerInsideStepAsync(chaos, "slow", TimeSpan.Zero, Cancellation);
        await using var connection = await chaos.Admin.OpenConnectionAsync(Cancellation);
        await using var transaction = await connection.BeginTransactionAsync(Cancellation);
        var fault = chaos.Faults.Begin($"leased messages of {victim.Name} row-locked (its renewals wait)");
        await using (var lockRows = new NpgsqlCommand($"SELECT message_id FROM {ChaosEnvironment.Schema}.queue_messages WHERE lease_owner = $1 FOR UPDATE", connection, transaction))
        {
            lockRows.Parameters.Add(new NpgsqlParameter { Value = victim.Name });
            await lockRows.ExecuteNonQueryAsync(Cancellation);
        }

        await ChaosProbes.WorkerBlockedInAsync(chaos, "%SET lease_expires_at%", $"{victim.Name} blocked in a lease renewal", Cancellation, victim.Name);
        await victim.KillAsync("mid-renewal");
        await transaction.RollbackAsync(Cancellation);
        chaos.Faults.Finish(fault);
        await chaos.Workers.StartAsync(victim.Spec, Cancellation);
    }
}
