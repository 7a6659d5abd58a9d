using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using World.DependencyInjection;

namespace World.Runtime.Tests.Diagnostics;

public sealed class BacklogMetricsTests
{
    private const string Queue = "messaging.destination.name";
    private const string Name = "telemetry-backlog";

    [Fact]
    public async Task Workers_publish_backlog_by_dispatch_reason_oldest_ready_age_capacity_and_lease_renewals()
    {
        using var recorder = new TelemetryRecorder();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWorld().UseInMemory()
            .AddWorkflow<string, string>(Name, async (context, input) => await context.StepAsync("slow", async _ =>
            {
                // Longer than a few heartbeats: the lease is renewed while the step runs.
                await Task.Delay(500);
                return input;
            }))
            .AddWorkflowRuntime(o =>
            {
                o.QueueName = Name;
                o.Concurrency = 4;
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.PresenceInterval = TimeSpan.FromMilliseconds(100);
                o.LeaseDuration = TimeSpan.FromSeconds(2);
                o.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
                o.RecoverOnStart = false;
            });
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var world = host.Services.GetRequiredService<IWorld>();
        var client = host.Services.GetRequiredService<IWorkflowClient>();

        // A message due in an hour sits in the worker's queue for the whole test.
        await world.Queue.EnqueueAsync(Name, "later"u8.ToArray(), new EnqueueOptions { Delay = TimeSpan.FromHours(1) }, TestContext.Current.CancellationToken);
        var run = await client.StartAsync<string, string>(Name, "x", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("x", await run.GetResultAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));

        await TelemetryRecorder.WaitUntilAsync(() =>
        {
            recorder.Observe();
            return recorder.Of("world.queue.messages", Queue, Name).Any(m => Equals(m.Tags["world.dispatch.reason"], "delayed") && m.Value == 1);
        });
        var backlog = recorder.Of("world.queue.messages", Queue, Name).ToList();
        Assert.All(backlog, m => Assert.Equal("{message}", m.Unit));
        var reasons = backlog.Select(m => (string)m.Tags["world.dispatch.reason"]!).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(new HashSet<string>(["delayed", "running", "lease_expired", "dead_lettered"], StringComparer.Ordinal), reasons);
        Assert.Subset(
            new HashSet<string>([.. Enum.GetValues<DispatchReason>().Select(r => r.ToCode())], StringComparer.Ordinal),
            reasons);
        var age = Assert.Single(recorder.Of("world.queue.oldest_ready.age", Queue, Name).TakeLast(1));
        Assert.Equal("s", age.Unit);
        Assert.True(age.Value >= 0);

        Assert.Contains(recorder.Of("world.queue.lease.renewals", Queue, Name), m => Equals(m.Tags["world.queue.outcome"], "renewed"));
        Assert.Equal(4, recorder.Of("world.queue.handlers.capacity", Queue, Name).Sum(m => m.Value));

        await host.StopAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, recorder.Of("world.queue.handlers.capacity", Queue, Name).Sum(m => m.Value));

        // Nobody in this process consumes the queue any more: its gauges stop reporting instead of freezing.
        var before = recorder.Of("world.queue.messages", Queue, Name).Count() + recorder.Of("world.queue.oldest_ready.age", Queue, Name).Count();
        recorder.Observe();
        Assert.Equal(before, recorder.Of("world.queue.messages", Queue, Name).Count() + recorder.Of("world.queue.oldest_ready.age", Queue, Name).Count());
    }
}
