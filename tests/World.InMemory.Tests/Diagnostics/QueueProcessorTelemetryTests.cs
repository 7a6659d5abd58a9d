using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using World.Diagnostics;
using World.InMemory;
using World.Queue;
using World.Testing.Faults;

namespace World.InMemory.Tests.Diagnostics;

public sealed class QueueProcessorTelemetryTests
{
    private const string QueueName = "telemetry-processor";

    [Fact]
    public async Task The_processor_records_failures_dead_letters_claim_faults_and_continues_the_enqueuers_trace()
    {
        var measurements = new ConcurrentQueue<(string Name, string? Unit, double Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == WorldTelemetry.QueueSourceName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Enqueue((instrument.Name, instrument.Unit, value, new Dictionary<string, object?>(tags.ToArray(), StringComparer.Ordinal))));
        meters.Start();
        var spans = new ConcurrentQueue<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name is WorldTelemetry.QueueSourceName or "World.InMemory.Tests",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(activities);
        using var testSource = new ActivitySource("World.InMemory.Tests");

        await using var world = new InMemoryWorld();
        var queue = new FaultInjectingQueue(world.Queue);
        ActivityContext caller;
        using (var parent = testSource.StartActivity("caller"))
        {
            Assert.NotNull(parent);
            caller = parent.Context;
            await queue.EnqueueAsync(QueueName, "ok"u8.ToArray(), new EnqueueOptions { Headers = WorldTraceContext.Inject(parent) }, TestContext.Current.CancellationToken);
        }

        await queue.EnqueueAsync(QueueName, "boom"u8.ToArray(), new EnqueueOptions { MaxAttempts = 1 }, TestContext.Current.CancellationToken);
        await queue.EnqueueAsync(QueueName, "again"u8.ToArray(), new EnqueueOptions { MaxAttempts = 5 }, TestContext.Current.CancellationToken);
        queue.Claims.FailNext(new TimeoutException("claim timed out"), new WorldConfigurationException("no schema"));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var processor = new QueueProcessor(
            queue,
            new QueueProcessorOptions
            {
                Queues = [QueueName],
                PollInterval = TimeSpan.FromMilliseconds(20),
                FaultRetryDelay = TimeSpan.FromMilliseconds(10),
                Backoff = new RetryBackoff { Initial = TimeSpan.FromHours(1), Max = TimeSpan.FromHours(1) },   // "again" fails once, then waits
            },
            (message, _) => message.Payload.Span.SequenceEqual("ok"u8)
                ? ValueTask.FromResult(QueueHandlerResult.Complete)
                : throw new InvalidOperationException("handler failed"));
        var running = processor.RunAsync(stop.Token);

        List<(string Name, string? Unit, double Value, Dictionary<string, object?> Tags)> Outcomes() =>
            measurements.Where(m => m.Name == "world.queue.messages.processed" && Equals(m.Tags["messaging.destination.name"], QueueName)).ToList();
        for (var i = 0; i < 400 && Outcomes().Count < 3; i++)
        {
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        await stop.CancelAsync();
        await running;

        Assert.Equal(
            ["completed", "dead_lettered", "failed"],
            Outcomes().Select(m => (string)m.Tags["world.queue.outcome"]!).Order(StringComparer.Ordinal));
        var faults = measurements.Where(m => m.Name == "world.queue.claim.failures").Select(m => (string)m.Tags["error.type"]!).ToList();
        Assert.Contains("transient", faults);
        Assert.Contains("configuration", faults);
        Assert.All(measurements.Where(m => m.Name == "world.queue.claim.failures"), m => Assert.Equal("{failure}", m.Unit));

        // The delivery's consumer span continues the enqueuer's trace; the failed ones carry error.type.
        var processed = spans.Where(s => s.Source.Name == WorldTelemetry.QueueSourceName && s.DisplayName == "process " + QueueName).ToList();
        Assert.Equal(3, processed.Count);
        var ok = Assert.Single(processed, s => s.ParentSpanId != default);
        Assert.Equal(caller.TraceId, ok.TraceId);
        Assert.Equal(caller.SpanId, ok.ParentSpanId);
        Assert.Equal("completed", ok.GetTagItem("world.queue.outcome"));
        Assert.All(processed.Where(s => s != ok), s =>
        {
            Assert.Equal(ActivityStatusCode.Error, s.Status);
            Assert.Equal(typeof(InvalidOperationException).FullName, s.GetTagItem("error.type"));
        });
    }

    [Fact]
    public async Task A_failed_heartbeat_is_counted_and_retried_and_processor_starts_and_stops_are_counted()
    {
        const string queueName = "telemetry-heartbeat";
        var measurements = new ConcurrentQueue<(string Name, string? Unit, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == WorldTelemetry.QueueSourceName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
            measurements.Enqueue((instrument.Name, instrument.Unit, new Dictionary<string, object?>(tags.ToArray(), StringComparer.Ordinal))));
        meters.Start();

        await using var world = new InMemoryWorld();
        var queue = new FaultInjectingQueue(world.Queue);
        await queue.EnqueueAsync(queueName, "slow"u8.ToArray(), cancellationToken: TestContext.Current.CancellationToken);
        queue.Renewals.FailNext(new TimeoutException("renewal timed out"));
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var processor = new QueueProcessor(
            queue,
            new QueueProcessorOptions
            {
                Queues = [queueName],
                PollInterval = TimeSpan.FromMilliseconds(20),
                FaultRetryDelay = TimeSpan.FromMilliseconds(10),
                LeaseDuration = TimeSpan.FromSeconds(5),
                HeartbeatInterval = TimeSpan.FromMilliseconds(50),
            },
            async (_, cancellationToken) =>
            {
                // Several heartbeats long: the first renewal fails, a retry renews, the handler completes.
                await Task.Delay(400, cancellationToken);
                handled.TrySetResult();
                return QueueHandlerResult.Complete;
            });
        var running = processor.RunAsync(stop.Token);
        await handled.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await running;

        List<string> Of(string name, string tag) => measurements
            .Where(m => m.Name == name && Equals(m.Tags["messaging.destination.name"], queueName))
            .Select(m => (string)m.Tags[tag]!)
            .ToList();
        var renewals = Of("world.queue.lease.renewals", "world.queue.outcome");
        Assert.Contains("failed", renewals);
        Assert.Contains("renewed", renewals);
        Assert.DoesNotContain("lost", renewals);
        Assert.Equal(["started", "stopped"], Of("world.queue.processor.lifecycle", "world.queue.outcome"));
        Assert.All(measurements.Where(m => m.Name == "world.queue.processor.lifecycle"), m => Assert.Equal("{processor}", m.Unit));
    }
}
