using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using World.DependencyInjection;
using World.InMemory;
using World.Testing.Faults;

namespace World.Runtime.Tests.Scheduling;

public sealed class WorkflowSchedulerTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static ServiceProvider Build(IWorld world, Action<IWorldBuilder> configure, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        var builder = services.AddWorld();
        services.AddSingleton(world);
        builder.AddWorkflow<string, string>("greet", (context, name) => context.StepAsync("greet", _ => Task.FromResult($"hello {name}")));
        configure(builder);
        services.AddHealthChecks().AddWorkflowScheduler();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task A_schedule_declared_in_code_starts_runs_that_the_worker_completes()
    {
        await using var provider = Build(new InMemoryWorld(), builder => builder
            .AddSchedule("every-second", "greet", "world", d => d with { Cron = "* * * * * *", Enabled = true })
            .AddWorkflowScheduler(options => options.PollInterval = TimeSpan.FromMilliseconds(50)));
        var world = provider.GetRequiredService<IWorld>();
        var worker = provider.GetRequiredService<WorkflowWorker>();
        var scheduler = provider.GetRequiredService<WorkflowScheduler>();
        await worker.StartAsync(Cancellation); // the worker runs the scheduler loop too

        var deadline = DateTime.UtcNow.AddSeconds(30);
        WorkflowRun? completed = null;
        while (completed is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "no scheduled run completed within 30 s");
            var fires = await world.Schedules.ListFiresAsync(new ScheduleFireQuery { ScheduleId = "every-second", Status = ScheduleFireStatus.Created }, Cancellation);
            var runs = fires.Data.Count == 0 ? [] : await world.Runs.GetManyAsync(fires.Data.Select(f => f.RunId!).ToList(), cancellationToken: Cancellation);
            completed = runs.FirstOrDefault(run => run?.Status == RunStatus.Completed);
            await Task.Delay(50, Cancellation);
        }

        Assert.Equal("\"hello world\"", System.Text.Encoding.UTF8.GetString(completed.Output!.Value.Span));
        Assert.Equal("scheduled", completed.Attributes[ScheduleAttributes.Trigger]);
        Assert.NotNull(scheduler.Health.LastTickAt);
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancellation);
        Assert.Equal(HealthStatus.Healthy, report.Status);
        await worker.StopAsync(Cancellation);
    }

    [Fact]
    public async Task Schedules_declared_in_code_are_created_disabled_unless_enabled_and_keep_an_operators_pause()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 9, 0, 0, TimeSpan.Zero));
        await using var provider = Build(new InMemoryWorld(timeProvider: clock), builder => builder
            .AddSchedule("off", "greet", "a", d => d with { Cron = "0 * * * *" })
            .AddSchedule("on", "greet", "b", d => d with { Cron = "0 * * * *", Enabled = true })
            .AddSchedule("broken", "greet", "c", d => d with { Cron = "every tuesday", Enabled = true }), clock);
        var world = provider.GetRequiredService<IWorld>();
        var scheduler = provider.GetRequiredService<WorkflowScheduler>();

        Assert.Equal(["broken"], await scheduler.UpsertDeclaredAsync(Cancellation));
        Assert.False((await world.Schedules.GetAsync("off", Cancellation)).State.Enabled);
        Assert.True((await world.Schedules.GetAsync("on", Cancellation)).State.Enabled);
        await Assert.ThrowsAsync<ScheduleNotFoundException>(() => world.Schedules.GetAsync("broken", Cancellation));

        await world.Schedules.PauseAsync("on", "incident 42", Cancellation);
        await scheduler.UpsertDeclaredAsync(Cancellation);
        Assert.Equal((false, "incident 42"), ((await world.Schedules.GetAsync("on", Cancellation)).State.Enabled, (await world.Schedules.GetAsync("on", Cancellation)).State.PauseNote));

        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, (await scheduler.FireDueAsync(Cancellation)).Created);
        await world.Schedules.ResumeAsync("on", Cancellation);
        clock.Advance(TimeSpan.FromHours(1));
        var batch = await scheduler.FireDueAsync(Cancellation);
        Assert.Equal(1, batch.Created);
        Assert.Equal(clock.GetUtcNow(), scheduler.Health.LastTickAt);
    }

    [Fact]
    public async Task The_scheduler_loop_survives_a_failing_world_reports_it_and_fires_once_it_recovers()
    {
        var world = new FaultInjectingWorld(new InMemoryWorld());
        world.FaultySchedules.Claims.FailAlways(static () => new WorldTransientException("connection refused"));
        await using var provider = Build(world, builder => builder
            .AddSchedule("every-second", "greet", "x", d => d with { Cron = "* * * * * *", Enabled = true })
            .AddWorkflowScheduler(options =>
            {
                options.PollInterval = TimeSpan.FromMilliseconds(50);
                options.MaxRetryDelay = TimeSpan.FromMilliseconds(100);
            }));
        var scheduler = provider.GetRequiredService<WorkflowScheduler>();
        var worker = provider.GetRequiredService<WorkflowWorker>();
        var health = provider.GetRequiredService<HealthCheckService>();
        await worker.StartAsync(Cancellation);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (world.FaultySchedules.Claims.Faults < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "the scheduler stopped claiming");
            await Task.Delay(20, Cancellation);
        }

        Assert.False(worker.ExecuteTask!.IsCompleted, "the loop keeps running");
        Assert.True(scheduler.Health.ConsecutiveFailures > 0);
        Assert.Contains("connection refused", scheduler.Health.LastError, StringComparison.Ordinal);
        Assert.NotEqual(HealthStatus.Healthy, (await health.CheckHealthAsync(Cancellation)).Status);

        world.FaultySchedules.Claims.Heal();
        while ((await world.Schedules.ListFiresAsync(new ScheduleFireQuery { ScheduleId = "every-second", Status = ScheduleFireStatus.Created }, Cancellation)).Data.Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the scheduler did not fire after the World recovered");
            await Task.Delay(20, Cancellation);
        }

        while ((await health.CheckHealthAsync(Cancellation)).Status != HealthStatus.Healthy)
        {
            Assert.True(DateTime.UtcNow < deadline, "the scheduler's health did not recover");
            await Task.Delay(20, Cancellation);
        }

        await worker.StopAsync(Cancellation);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task A_worker_without_the_scheduler_fires_nothing_and_reports_healthy(bool schedulerEnabled, bool workerEnabled)
    {
        var world = new InMemoryWorld();
        await using var provider = Build(world, builder => builder
            .AddSchedule("every-second", "greet", "x", d => d with { Cron = "* * * * * *", Enabled = true })
            .AddWorkflowRuntime(options => options.EnableWorker = workerEnabled)
            .AddWorkflowScheduler(options =>
            {
                options.Enabled = schedulerEnabled;
                options.PollInterval = TimeSpan.FromMilliseconds(20);
            }));
        var worker = provider.GetRequiredService<WorkflowWorker>();
        var scheduler = provider.GetRequiredService<WorkflowScheduler>();
        Assert.False(scheduler.Running);
        await worker.StartAsync(Cancellation);

        // Long enough for several passes of a running loop (which would upsert the declared schedule at once).
        await Task.Delay(300, Cancellation);
        await Assert.ThrowsAsync<ScheduleNotFoundException>(() => world.Schedules.GetAsync("every-second", Cancellation));
        Assert.Null(scheduler.Health.LastTickAt);
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancellation);
        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Contains(schedulerEnabled ? "EnableWorker" : "Enabled = false", report.Entries["world-workflow-scheduler"].Description, StringComparison.Ordinal);
        await worker.StopAsync(Cancellation);
    }

    [Fact]
    public async Task The_worker_runs_the_scheduler_by_default_without_add_workflow_scheduler()
    {
        var world = new InMemoryWorld();
        await using var provider = Build(world, _ => { });
        await world.Schedules.UpsertAsync(new ScheduleDefinition { ScheduleId = "every-second", WorkflowName = "greet", Input = "\"api\""u8.ToArray(), Cron = "* * * * * *", Enabled = true }, Cancellation);
        var worker = provider.GetRequiredService<WorkflowWorker>();
        Assert.True(provider.GetRequiredService<WorkflowScheduler>().Running);
        await worker.StartAsync(Cancellation);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await world.Schedules.ListFiresAsync(new ScheduleFireQuery { ScheduleId = "every-second", Status = ScheduleFireStatus.Created }, Cancellation)).Data.Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker's scheduler did not fire a schedule created through the API");
            await Task.Delay(50, Cancellation);
        }

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Cancellation);
        Assert.Equal(HealthStatus.Healthy, report.Status);
        await worker.StopAsync(Cancellation);
    }
}
