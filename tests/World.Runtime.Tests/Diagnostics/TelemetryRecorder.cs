using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using World.Diagnostics;

namespace World.Runtime.Tests.Diagnostics;

/// <summary>One metric measurement as a listener saw it.</summary>
public sealed record Measurement(string Instrument, string? Unit, double Value, IReadOnlyDictionary<string, object?> Tags);

/// <summary>
/// Listens to World's sources and meters the way an SDK would, without one. Listeners are process-wide and tests run
/// in parallel, so every assertion filters by what its own test made (a queue, a workflow name, a trace id).
/// </summary>
public sealed class TelemetryRecorder : IDisposable
{
    public const string TestSourceName = "World.Runtime.Tests";

    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();

    public TelemetryRecorder()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = source => WorldTelemetry.AllSourceNames.Contains(source.Name) || source.Name == TestSourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (WorldTelemetry.AllSourceNames.Contains(instrument.Meter.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
    }

    public static ActivitySource TestSource { get; } = new(TestSourceName);

    public ConcurrentQueue<Activity> Stopped { get; } = new();

    public ConcurrentQueue<Measurement> Measurements { get; } = new();

    public IEnumerable<Measurement> Of(string instrument, string tag, string value) =>
        Measurements.Where(m => m.Instrument == instrument && m.Tags.TryGetValue(tag, out var v) && Equals(v, value));

    /// <summary>Waits until a stopped activity matches: spans end after the run's result is visible to the client.</summary>
    public async Task<Activity> WaitForAsync(Func<Activity, bool> match)
    {
        for (var i = 0; i < 300; i++)
        {
            if (Stopped.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("No matching activity was stopped.");
    }

    /// <summary>Waits until a condition holds: the processor records a delivery's outcome after settling it.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Collects the observable instruments (gauges) once, as an exporter does at each export interval.</summary>
    public void Observe() => _meters.RecordObservableInstruments();

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

        Measurements.Enqueue(new Measurement(instrument.Name, instrument.Unit, value, copy));
    }
}
