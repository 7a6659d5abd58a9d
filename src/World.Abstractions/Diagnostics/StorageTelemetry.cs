using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace World.Diagnostics;

/// <summary>
/// The telemetry of the shared write path (<see cref="WorldTelemetry.StorageSourceName"/>): one <c>events.create</c>
/// span per append with the OpenTelemetry database attributes, its latency by event type and outcome, and the writes
/// that lost a race and decided again. Recorded by <see cref="Backends.EventWriter"/>, so every backend reports the same.
/// </summary>
internal static class StorageTelemetry
{
    public const string EventTypeTag = "world.event.type";
    public const string OutcomeTag = "world.outcome";

    public static readonly string Version = WorldTelemetry.VersionOf(typeof(StorageTelemetry).Assembly);

    public static readonly ActivitySource Source = new(WorldTelemetry.StorageSourceName, Version);

    public static readonly Meter Meter = new(WorldTelemetry.StorageSourceName, Version);

    public static readonly Histogram<double> CreateDuration = Meter.CreateHistogram(
        "world.storage.events.create.duration", "s", "Time to append one event (all rounds), by event type and outcome: ok, rejected (a WorldException) or error.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    public static readonly Counter<long> Conflicts = Meter.CreateCounter<long>(
        "world.storage.write.conflicts", "{conflict}", "Appends that lost a race (a concurrent creation of the run, or a hook token taken since the snapshot) and decided again.");

    public static bool Enabled => CreateDuration.Enabled || Conflicts.Enabled || Source.HasListeners();

    /// <summary>Starts the span of one append; null when nobody listens.</summary>
    public static Activity? StartCreate(EventType eventType, string runId, string? databaseSystem)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var name = eventType.ToWireName();
        var activity = Source.StartActivity("events.create " + name, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.operation.name", "events.create");
            activity.SetTag(EventTypeTag, name);
            activity.SetTag("world.run.id", runId);
            if (databaseSystem is not null)
            {
                activity.SetTag("db.system.name", databaseSystem);
            }
        }

        return activity;
    }

    public static void RecordConflict(EventType eventType)
    {
        if (Conflicts.Enabled)
        {
            Conflicts.Add(1, new KeyValuePair<string, object?>(EventTypeTag, eventType.ToWireName()));
        }
    }

    /// <summary>Ends an append: its latency and outcome, and its span's status.</summary>
    public static void EndCreate(Activity? activity, EventType eventType, long startTimestamp, Exception? exception)
    {
        var outcome = exception switch
        {
            null => "ok",
            WorldException => "rejected",
            _ => "error",
        };
        if (CreateDuration.Enabled)
        {
            CreateDuration.Record(
                Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds,
                new KeyValuePair<string, object?>(EventTypeTag, eventType.ToWireName()),
                new KeyValuePair<string, object?>(OutcomeTag, outcome));
        }

        if (activity is null)
        {
            return;
        }

        activity.SetTag(OutcomeTag, outcome);
        if (exception is not null)
        {
            activity.SetTag("error.type", exception is WorldException world ? world.Code : exception.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error);
        }

        activity.Dispose();
    }
}
