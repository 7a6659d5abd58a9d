using World.Runtime;
using World.Testing.Workflows;

namespace World.Postgres.Tests.Workflows;

/// <summary>A worker process killed mid-run: the run continues on another worker, and finished steps never run again.</summary>
public sealed class WorkflowCrashTests(PostgresFixture postgres)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_worker_killed_inside_a_step_leaves_the_run_to_a_survivor_that_reruns_only_that_step()
    {
        const int leaseMilliseconds = 1500;
        var schema = postgres.NewSchema();
        await using var world = new PostgresWorld(postgres.DataSource, new PostgresWorldOptions { Schema = schema });
        await world.StartAsync(Cancellation);

        // The crashing worker takes the run, completes step 1 and stalls inside step 2, where it is SIGKILLed.
        string runId;
        using (var crashHost = CrashHostProcess.Start("workflow", postgres.Server.ConnectionString, schema, leaseMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            try
            {
                await CrashHostProcess.ReadLineAsync(crashHost, "WORKER READY", Cancellation);
                var client = await StartClientAsync(world);
                runId = (await client.Client.StartAsync<CrashableWorkflow, bool, int[]>(true, cancellationToken: Cancellation)).RunId;
                await UntilAsync(async () => (await StepsAsync(world, runId)).Any(s => s is { StepName: "crash-here", Status: StepStatus.Running }), "the crash host is inside step 2");
            }
            finally
            {
                crashHost.Kill(entireProcessTree: true);
                await crashHost.WaitForExitAsync(Cancellation);
            }
        }

        // A survivor picks the run up once the dead worker's lease lapses and replays it from the log.
        var probe = new WorkflowProbe();
        await using var survivor = await WorkflowRuntimeHost.StartAsync(world, TimeProvider.System, probe, options =>
        {
            options.LeaseDuration = TimeSpan.FromSeconds(10);
            options.HeartbeatInterval = TimeSpan.FromSeconds(2);
            options.PollInterval = TimeSpan.FromMilliseconds(100);
        }, cancellationToken: Cancellation);
        var result = await survivor.Client.GetHandle<int[]>(runId).GetResultAsync(cancellationToken: Cancellation).WaitAsync(TimeSpan.FromSeconds(60), Cancellation);

        Assert.Equal(2, result[1]);
        Assert.Equal(0, probe.Executions($"{runId}/before-crash"));
        Assert.Equal(1, probe.Executions($"{runId}/crash-here"));
        Assert.Equal(1, probe.Executions($"{runId}/after-crash"));
        var steps = await StepsAsync(world, runId);
        Assert.Equal(["before-crash", "crash-here", "after-crash"], steps.Select(s => s.StepName));
        Assert.Equal([1, 2, 1], steps.Select(s => s.Attempt));
        Assert.All(steps, s => Assert.Equal(StepStatus.Completed, s.Status));
    }

    private static async Task<WorkflowRuntimeHost> StartClientAsync(PostgresWorld world) =>
        await WorkflowRuntimeHost.StartAsync(world, TimeProvider.System, new WorkflowProbe(), options => options.EnableWorker = false, cancellationToken: Cancellation);

    private static async Task<IReadOnlyList<Step>> StepsAsync(PostgresWorld world, string runId) =>
        (await world.Steps.ListAsync(new StepQuery(runId) { Page = new PageRequest { SortOrder = SortOrder.Ascending } }, Cancellation)).Data;

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(20, Cancellation);
        }
    }
}
