using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using World.Diagnostics;

namespace World.Postgres.Tests.Diagnostics;

/// <summary>
/// Storage telemetry on PostgreSQL: an <c>events.create</c> span per append with the database attributes, its latency
/// by event type and outcome, and database errors counted by SQLSTATE and classification.
/// </summary>
public sealed class StorageTelemetryTests : IDisposable
{
    private readonly PostgresFixture _postgres;
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();

    public StorageTelemetryTests(PostgresFixture postgres)
    {
        _postgres = postgres;
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WorldTelemetry.StorageSourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name is WorldTelemetry.StorageSourceName or WorldTelemetry.PostgresSourceName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
    }

    [Fact]
    public async Task Appends_are_spans_with_database_attributes_and_timed_by_event_type_and_outcome()
    {
        await using var world = _postgres.CreateWorld(TimeProvider.System);
        await world.StartAsync(TestContext.Current.CancellationToken);

        var created = await world.Events.CreateAsync(null, new EventRequest(new RunCreated("dpl", "telemetry/storage", "{}"u8.ToArray())), cancellationToken: TestContext.Current.CancellationToken);
        var runId = created.Run!.RunId;
        await world.Events.CreateAsync(runId, new EventRequest(new RunStarted()), cancellationToken: TestContext.Current.CancellationToken);
        await Assert.ThrowsAnyAsync<WorldException>(() => world.Events.CreateAsync(runId, new EventRequest(new StepCompleted("{}"u8.ToArray()), "step_missing"), cancellationToken: TestContext.Current.CancellationToken));

        var spans = _spans.Where(a => Equals(a.GetTagItem("world.run.id"), runId)).ToList();
        Assert.Equal(["events.create run_created", "events.create run_started", "events.create step_completed"], spans.Select(a => a.DisplayName));
        Assert.All(spans, span =>
        {
            Assert.Equal(ActivityKind.Client, span.Kind);
            Assert.Equal("postgresql", span.GetTagItem("db.system.name"));
            Assert.Equal("events.create", span.GetTagItem("db.operation.name"));
        });
        Assert.Equal(ActivityStatusCode.Error, spans[2].Status);
        Assert.Equal("rejected", spans[2].GetTagItem("world.outcome"));

        var durations = _measurements.Where(m => m.Instrument == "world.storage.events.create.duration").ToList();
        Assert.Contains(durations, m => Equals(m.Tags["world.event.type"], "run_created") && Equals(m.Tags["world.outcome"], "ok") && m.Value > 0);
        Assert.Contains(durations, m => Equals(m.Tags["world.event.type"], "step_completed") && Equals(m.Tags["world.outcome"], "rejected"));
        Assert.All(durations, m => Assert.DoesNotContain(m.Tags.Values, v => (v?.ToString() ?? "").StartsWith(IdPrefixes.Run, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Database_errors_are_counted_by_sqlstate_and_classification()
    {
        // A schema that was never migrated: every statement meets a missing table (42P01), a configuration fault.
        await using var world = _postgres.CreateWorld(TimeProvider.System, o => o.MigrateOnStart = false);

        await Assert.ThrowsAsync<WorldConfigurationException>(() => world.Runs.ListAsync(cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains(_measurements, m => m.Instrument == "world.postgres.errors" && Equals(m.Tags["db.response.status_code"], "42P01") && Equals(m.Tags["error.type"], "configuration"));
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }
}
