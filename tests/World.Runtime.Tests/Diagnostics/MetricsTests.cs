using Microsoft.Extensions.DependencyInjection;

namespace World.Runtime.Tests.Diagnostics;

public sealed class MetricsTests
{
    private const string Queue = "messaging.destination.name";
    private const string Workflow = "world.workflow.name";

    [Fact]
    public async Task The_processor_and_the_runtime_emit_their_documented_metrics_with_bounded_labels()
    {
        using var recorder = new TelemetryRecorder();
        using var host = await TelemetryHost.StartAsync("telemetry-metrics");
        var client = host.Services.GetRequiredService<IWorkflowClient>();

        var ok = await client.StartAsync<string, string>("telemetry-metrics", "x", cancellationToken: TestContext.Current.CancellationToken);
        var failing = await client.StartAsync<string, string>("telemetry-metrics", "fail", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("x12", await ok.GetResultAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<WorkflowFailedException>(() => failing.GetResultAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));

        // Outcomes are recorded after settlement, a moment after the run's end is visible; 2 runs × 2 invocations.
        await TelemetryRecorder.WaitUntilAsync(() => recorder.Of("world.queue.messages.processed", Queue, "telemetry-metrics").Count() >= 4);
        await host.StopAsync(TestContext.Current.CancellationToken);

        // The backend's enqueue counter: one start per run (a redelivery is not an enqueue).
        var enqueued = recorder.Of("world.queue.messages.enqueued", Queue, "telemetry-metrics").ToList();
        Assert.Equal(2, enqueued.Where(m => Equals(m.Tags["world.outcome"], "enqueued")).Sum(m => m.Value));
        Assert.All(enqueued, m => Assert.Equal("{message}", m.Unit));

        // Queue processor.
        var claimed = recorder.Of("world.queue.messages.claimed", Queue, "telemetry-metrics").ToList();
        Assert.True(claimed.Sum(m => m.Value) >= 4);
        Assert.All(claimed, m => Assert.Equal("{message}", m.Unit));

        var processed = recorder.Of("world.queue.messages.processed", Queue, "telemetry-metrics").ToList();
        Assert.All(processed, m => Assert.Equal("{message}", m.Unit));
        var outcomes = processed.GroupBy(m => (string)m.Tags["world.queue.outcome"]!).ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        Assert.Equal(2, outcomes["redelivered"]);   // each run suspends once for its retried step
        Assert.Equal(2, outcomes["completed"]);

        var durations = recorder.Of("world.queue.process.duration", Queue, "telemetry-metrics").ToList();
        Assert.Equal(4, durations.Count);
        Assert.All(durations, m => Assert.Equal("s", m.Unit));

        var pickups = recorder.Of("world.queue.pickup.duration", Queue, "telemetry-metrics").ToList();
        Assert.Equal(2, pickups.Count);              // first deliveries only
        Assert.All(pickups, m => Assert.True(m.Unit == "s" && m.Value >= 0));

        var active = recorder.Of("world.queue.handlers.active", Queue, "telemetry-metrics").ToList();
        Assert.Equal(8, active.Count);
        Assert.Equal(0, active.Sum(m => m.Value));

        // Runtime.
        Assert.Equal(2, recorder.Of("world.runtime.runs.started", Workflow, "telemetry-metrics").Sum(m => m.Value));
        Assert.Equal(1, recorder.Of("world.runtime.runs.completed", Workflow, "telemetry-metrics").Sum(m => m.Value));
        var failed = Assert.Single(recorder.Of("world.runtime.runs.failed", Workflow, "telemetry-metrics"));
        Assert.Equal(RunErrorCodes.UserError, failed.Tags["error.type"]);
        Assert.Equal("{run}", failed.Unit);

        var runDurations = recorder.Of("world.runtime.run.duration", Workflow, "telemetry-metrics").ToList();
        Assert.Equal(["completed", "failed"], runDurations.Select(m => (string)m.Tags["world.outcome"]!).Order(StringComparer.Ordinal));
        Assert.All(runDurations, m => Assert.True(m.Unit == "s" && m.Value > 0));

        var attempts = recorder.Of("world.runtime.step.attempts", Workflow, "telemetry-metrics").ToList();
        Assert.Equal(
            ["first/completed", "first/completed", "flaky/completed", "flaky/completed", "flaky/retrying", "flaky/retrying"],
            attempts.Select(m => $"{m.Tags["world.step.name"]}/{m.Tags["world.outcome"]}").Order(StringComparer.Ordinal));
        Assert.All(attempts, m => Assert.Equal("{attempt}", m.Unit));
        var stepDurations = recorder.Of("world.runtime.step.duration", Workflow, "telemetry-metrics").ToList();
        Assert.Equal(6, stepDurations.Count);
        Assert.All(stepDurations, m => Assert.Equal("s", m.Unit));

        // Two invocations per run (the retried step suspends it once), each counted in and out of the active runs.
        var activeRuns = recorder.Of("world.runtime.runs.active", Workflow, "telemetry-metrics").ToList();
        Assert.Equal([-1, -1, -1, -1, 1, 1, 1, 1], activeRuns.Select(m => m.Value).Order());
        Assert.All(activeRuns, m => Assert.Equal("{run}", m.Unit));

        // The time to the first step: once per run, though each run was invoked twice and ran two steps.
        var firstSteps = recorder.Of("world.runtime.run.first_step.delay", Workflow, "telemetry-metrics").ToList();
        Assert.Equal(2, firstSteps.Count);
        Assert.All(firstSteps, m => Assert.True(m.Unit == "s" && m.Value >= 0));

        // No run id (nor message id) ever becomes a label: every tag value of every World measurement is checked.
        var runIds = new[] { ok.RunId, failing.RunId };
        Assert.All(recorder.Measurements, m => Assert.All(m.Tags.Values, value =>
        {
            var text = value?.ToString() ?? "";
            Assert.DoesNotContain(runIds, id => text.Contains(id, StringComparison.Ordinal));
            Assert.DoesNotContain("wrun_", text, StringComparison.Ordinal);
        }));
    }

    [Fact]
    public async Task A_cancelled_run_is_counted_with_its_duration()
    {
        using var recorder = new TelemetryRecorder();
        using var host = await TelemetryHost.StartAsync("telemetry-cancel", services => services.Configure<WorkflowRuntimeOptions>(o => o.EnableWorker = false));
        var client = host.Services.GetRequiredService<IWorkflowClient>();

        var run = await client.StartAsync<string, string>("telemetry-cancel", "x", cancellationToken: TestContext.Current.CancellationToken);
        await client.CancelAsync(run.RunId, TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);

        var cancelled = Assert.Single(recorder.Of("world.runtime.runs.cancelled", Workflow, "telemetry-cancel"));
        Assert.Equal(("{run}", 1.0), (cancelled.Unit, cancelled.Value));
        var duration = Assert.Single(recorder.Of("world.runtime.run.duration", Workflow, "telemetry-cancel"));
        Assert.Equal("cancelled", duration.Tags["world.outcome"]);
    }
}
