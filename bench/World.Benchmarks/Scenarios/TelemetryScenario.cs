using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using World.Benchmarks.Load;

namespace World.Benchmarks.Scenarios;

/// <summary>
/// The cost of World's instrumentation: the events scenario (storage spans and metrics) and the unbatched queue
/// lifecycle (processor spans and metrics) with nobody listening, then with the full OpenTelemetry SDK sampling every
/// span and exporting spans and metrics (to exporters that drop them, so the export itself costs nothing but the
/// pipeline does). The modes alternate twice in one run so that drift of the machine falls on both alike.
/// </summary>
/// <remarks>
/// The instrumentation cannot be compiled out, so "off" is not measured apart from "no listener": with no listener
/// each instrumented call costs a listener check (<c>HasListeners</c>, <c>Instrument.Enabled</c>) and nothing else.
/// </remarks>
internal static class TelemetryScenario
{
    public static async Task<ScenarioReport> RunAsync(Backend backend, RunnerOptions options)
    {
        var measurements = new List<Measurement>();
        var byMode = new Dictionary<string, List<(double Events, double Jobs)>>(StringComparer.Ordinal) { ["none"] = [], ["sdk"] = [] };
        foreach (var mode in new[] { "none", "sdk", "none", "sdk" })
        {
            using var sdk = mode == "sdk" ? Pipeline.Start() : null;
            var events = await LoadLoop.RunAsync($"events.create, {mode}", 1, options.Duration, TimeSpan.FromSeconds(2), "event", _ => EventsScenario.OneStepRunAsync(backend.World)).ConfigureAwait(false);
            var jobs = await QueueScenario.LifecycleAsync(backend.World, options, enqueueBatch: 1, handlersPerConsumer: 16).ConfigureAwait(false);
            measurements.Add(events);
            measurements.Add(jobs with { Name = $"{jobs.Name}, {mode}" });
            byMode[mode].Add((events.PerSecond, jobs.PerSecond));
            Console.WriteLine($"  {mode}: events {events.PerSecond:N0}/s, queue {jobs.PerSecond:N0} jobs/s{(sdk is null ? "" : $", {sdk.Spans:N0} spans exported")}");
        }

        var ratios = new Dictionary<string, double>
        {
            ["events/s with SDK ÷ no listener"] = Math.Round(byMode["sdk"].Average(m => m.Events) / byMode["none"].Average(m => m.Events), 3),
            ["queue jobs/s with SDK ÷ no listener"] = Math.Round(byMode["sdk"].Average(m => m.Jobs) / byMode["none"].Average(m => m.Jobs), 3),
        };
        return new ScenarioReport("telemetry", backend.Kind, DateTimeOffset.UtcNow, backend.Machine, measurements, ratios);
    }

    /// <summary>A tracer and a meter provider subscribed to every World source, batching to exporters that count and drop.</summary>
    private sealed class Pipeline : IDisposable
    {
        private readonly CountingSpanExporter _spans = new();
        private readonly TracerProvider _tracer;
        private readonly MeterProvider _meter;

        private Pipeline()
        {
            _tracer = Sdk.CreateTracerProviderBuilder()
                .SetSampler(new AlwaysOnSampler())
                .AddWorldInstrumentation()
                .AddProcessor(new BatchActivityExportProcessor(_spans))
                .Build();
            _meter = Sdk.CreateMeterProviderBuilder()
                .AddWorldInstrumentation()
                .AddReader(new PeriodicExportingMetricReader(new DroppingMetricExporter(), exportIntervalMilliseconds: 1_000))
                .Build();
        }

        public long Spans => _spans.Exported;

        public static Pipeline Start() => new();

        public void Dispose()
        {
            _tracer.Dispose();
            _meter.Dispose();
        }
    }

    private sealed class CountingSpanExporter : BaseExporter<Activity>
    {
        private long _exported;

        public long Exported => Interlocked.Read(ref _exported);

        public override ExportResult Export(in Batch<Activity> batch)
        {
            Interlocked.Add(ref _exported, batch.Count);
            return ExportResult.Success;
        }
    }

    private sealed class DroppingMetricExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}
