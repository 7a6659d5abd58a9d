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
        await chaos.Workers.StartManyAsync(3, WorkerSpec.Default, Cancellation);
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
        await chaos.Workers.StartManyAsync(3, spec, Cancellation);
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
