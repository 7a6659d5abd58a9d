using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using World.Diagnostics;

namespace World.Testing.Diagnostics;

/// <summary>
/// The telemetry every backend emits the same way (docs/observability.md): the enqueue counter and the shared write
/// path's <c>events.create</c> spans and latency. Names, units and labels come from shared code; this suite checks that
/// each backend calls it where it should: after the write succeeded, once per request, with the right outcome.
/// </summary>
/// <remarks>
/// Listeners are process-wide and other suites run in parallel, so every assertion filters by something only this
/// test owns: its own queue name, its own run id.
/// </remarks>
public abstract class TelemetryTests<TFactory> : WorldTestBase<TFactory>
    where TFactory : class, IWorldFactory
{
    [Fact]
    public async Task Enqueues_are_counted_by_queue_with_duplicates_apart_and_refused_requests_not_at_all()
    {
        var queue = "telemetry-" + Guid.NewGuid().ToString("N");
        using var recorder = new MeasurementRecorder("world.queue.messages.enqueued");

        await World.Queue.EnqueueAsync(queue, Bytes("a"), new EnqueueOptions { IdempotencyKey = "k1" }, Cancellation);
        await World.Queue.EnqueueAsync(queue, Bytes("a"), new EnqueueOptions { IdempotencyKey = "k1" }, Cancellation);
        await World.Queue.EnqueueBatchAsync(
            queue,
            [new EnqueueRequest(Bytes("b")), new EnqueueRequest(Bytes("c"), new EnqueueOptions { IdempotencyKey = "k1" }), new EnqueueRequest(Bytes("d"))],
            Cancellation);
        await Assert.ThrowsAsync<WorldValidationException>(() => World.Queue.EnqueueAsync(queue, Bytes("e"), new EnqueueOptions { MaxAttempts = -1 }, Cancellation));

        var mine = recorder.Where(m => Equals(m.Tag("messaging.destination.name"), queue)).ToArray();
        Assert.All(mine, m => Assert.Equal("{message}", m.Unit));
        Assert.Equal(3, mine.Where(m => Equals(m.Tag("world.outcome"), "enqueued")).Sum(m => m.Value));
        Assert.Equal(2, mine.Where(m => Equals(m.Tag("world.outcome"), "duplicate")).Sum(m => m.Value));
        Assert.Equal(5, mine.Sum(m => m.Value));
    }

    [Fact]
    public async Task Every_append_is_one_events_create_span_with_its_type_and_outcome()
    {
        var runIds = new ConcurrentBag<string>();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WorldTelemetry.StorageSourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var durations = new MeasurementRecorder("world.storage.events.create.duration");

        var run = await CreateRunAsync();
        await AppendAsync(run.RunId, new RunStarted());
        await Assert.ThrowsAnyAsync<WorldException>(() => AppendAsync(run.RunId, new StepCompleted(Bytes("x")), correlationId: NewId("step")));

        var mine = spans.Where(s => Equals(s.GetTagItem("world.run.id"), run.RunId)).ToArray();
        Assert.Equal(["run_created", "run_started", "step_completed"], mine.Select(s => (string)s.GetTagItem("world.event.type")!));
        Assert.All(mine, s => Assert.Equal(ActivityKind.Client, s.Kind));
        Assert.All(mine, s => Assert.Equal("events.create", s.GetTagItem("db.operation.name")));
        Assert.Equal(["ok", "ok", "rejected"], mine.Select(s => (string)s.GetTagItem("world.outcome")!));
        var rejected = mine[2];
        Assert.Equal(ActivityStatusCode.Error, rejected.Status);
        Assert.False(string.IsNullOrEmpty(rejected.GetTagItem("error.type") as string));

        // Latency by type and outcome: other tests append too, so only the presence of each of ours is certain.
        Assert.Contains(durations, m => m.Unit == "s" && Equals(m.Tag("world.event.type"), "run_started") && Equals(m.Tag("world.outcome"), "ok"));
        Assert.Contains(durations, m => Equals(m.Tag("world.event.type"), "step_completed") && Equals(m.Tag("world.outcome"), "rejected"));
        Assert.DoesNotContain(durations, m => m.Tags.Any(t => Equals(t.Value, run.RunId)));
    }

    /// <summary>Records every measurement of one instrument of World's meters while it lives.</summary>
    private sealed class MeasurementRecorder : IDisposable, IEnumerable<Measurement>
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<Measurement> _measurements = new();

        public MeasurementRecorder(string instrumentName)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == instrumentName && WorldTelemetry.AllSourceNames.Contains(instrument.Meter.Name))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue(new Measurement(instrument.Unit, value, tags.ToArray())));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _measurements.Enqueue(new Measurement(instrument.Unit, value, tags.ToArray())));
            _listener.Start();
        }

        public void Dispose() => _listener.Dispose();

        public IEnumerator<Measurement> GetEnumerator() => _measurements.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    private sealed record Measurement(string? Unit, double Value, KeyValuePair<string, object?>[] Tags)
    {
        public object? Tag(string name) => Tags.FirstOrDefault(t => t.Key == name).Value;
    }
}
