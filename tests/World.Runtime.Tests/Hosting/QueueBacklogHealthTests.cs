using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using World.InMemory;
using World.Testing.Faults;

namespace World.Runtime.Tests.Hosting;

public sealed class QueueBacklogHealthTests
{
    [Fact]
    public async Task The_backlog_check_fails_once_the_oldest_ready_message_waits_past_the_limit_and_says_why()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));
        var world = new FaultInjectingWorld(new InMemoryWorld(timeProvider: clock));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IWorld>(world);
        services.AddHealthChecks().AddWorldQueueBacklog("orders", TimeSpan.FromMinutes(5));
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();

        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(cancellation)).Status);
        await world.Queue.EnqueueAsync("orders", "{}"u8.ToArray(), cancellationToken: cancellation);
        clock.Advance(TimeSpan.FromMinutes(4));
        var waiting = await health.CheckHealthAsync(cancellation);
        Assert.Equal(HealthStatus.Healthy, waiting.Status);
        Assert.Equal(1L, waiting.Entries["world-queue-backlog-orders"].Data["ready"]);

        clock.Advance(TimeSpan.FromMinutes(2));
        var stale = (await health.CheckHealthAsync(cancellation)).Entries["world-queue-backlog-orders"];
        Assert.Equal(HealthStatus.Unhealthy, stale.Status);
        Assert.Contains("no_consumer", stale.Description, StringComparison.Ordinal);
        Assert.Contains(["ready"], stale.Tags.ToArray());

        world.FaultyQueue.Stats.FailAlways(static () => new WorldTransientException("connection refused"));
        var failing = (await health.CheckHealthAsync(cancellation)).Entries["world-queue-backlog-orders"];
        Assert.Equal(HealthStatus.Unhealthy, failing.Status);
        Assert.Contains("Transient", failing.Description, StringComparison.Ordinal);
    }
}
