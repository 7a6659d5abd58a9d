using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using World.DependencyInjection;
using World.InMemory;
using World.Testing.Faults;

namespace World.Runtime.Tests.Hosting;

public sealed class WorkerHealthTests
{
    [Workflow("echo")]
    public sealed class EchoWorkflow : IWorkflow<string, string>
    {
        public Task<string> RunAsync(IWorkflowContext context, string input) => context.StepAsync("echo", _ => Task.FromResult(input));
    }

    [Fact]
    public async Task The_worker_survives_an_unmigrated_schema_reports_unhealthy_and_recovers_once_it_is_fixed()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var world = new FaultInjectingWorld(new InMemoryWorld());
        world.FaultyQueue.Claims.FailAlways(static () => new WorldConfigurationException("relation \"world.queue_messages\" does not exist"));
        var services = new ServiceCollection();
        services.AddLogging();
        var builder = services.AddWorld();
        services.AddSingleton<IWorld>(world);
        builder.AddWorkflow<EchoWorkflow>().AddWorkflowRuntime(options => options.PollInterval = TimeSpan.FromMilliseconds(50));
        services.AddHealthChecks().AddWorkflowWorker();
        await using var provider = services.BuildServiceProvider();
        var worker = provider.GetRequiredService<WorkflowWorker>();
        var health = provider.GetRequiredService<HealthCheckService>();
        await worker.StartAsync(cancellation);

        var run = await provider.GetRequiredService<IWorkflowClient>().StartAsync<EchoWorkflow, string, string>("still here", cancellationToken: cancellation);
        var report = await UntilAsync(health, HealthStatus.Unhealthy, cancellation);
        Assert.Contains("not set up", report.Entries["world-workflow-worker"].Description, StringComparison.Ordinal);
        Assert.False(worker.ExecuteTask!.IsCompleted, "the worker keeps running");

        world.FaultyQueue.Claims.Heal();

        Assert.Equal("still here", await run.GetResultAsync(cancellationToken: cancellation).WaitAsync(TimeSpan.FromSeconds(60), cancellation));
        await UntilAsync(health, HealthStatus.Healthy, cancellation);
        await worker.StopAsync(cancellation);
    }

    private static async Task<HealthReport> UntilAsync(HealthCheckService health, HealthStatus status, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var report = await health.CheckHealthAsync(cancellation);
            if (report.Status == status)
            {
                return report;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the worker's health did not become {status} (it is {report.Status})");
            await Task.Delay(20, cancellation);
        }
    }
}
