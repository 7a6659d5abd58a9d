using System.Diagnostics;
using System.Globalization;
using World.Diagnostics;

namespace World.Postgres.ChaosWorker;

/// <summary>
/// With <c>--trace</c>, announces every World span this worker ends on stdout, one line each, so a test can rebuild the
/// trace tree of a run across the processes that worked on it, a killed one included. A span still open when the
/// process is killed is never announced, exactly as an exporter in a killed process never exports it.
/// </summary>
/// <remarks>
/// Line format (tab-separated, as display names contain spaces):
/// <c>CHAOS-SPAN worker traceId spanId parentSpanId|- kind displayName runId|- stepAttempt|- links</c>, where links
/// are <c>traceId:spanId</c> joined by commas, or <c>-</c>. The test side parses them in
/// <c>tests/World.Postgres.Tests/Chaos/SpanRecord.cs</c>.
/// </remarks>
public sealed class SpanJournal : IDisposable
{
    private readonly string _worker;
    private readonly ActivityListener _listener;

    public SpanJournal(string worker)
    {
        _worker = worker;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => WorldTelemetry.AllSourceNames.Contains(source.Name),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Announce,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    private void Announce(Activity activity)
    {
        var links = string.Join(',', activity.Links.Select(link => $"{link.Context.TraceId}:{link.Context.SpanId}"));
        string[] fields =
        [
            "CHAOS-SPAN",
            _worker,
            activity.TraceId.ToString(),
            activity.SpanId.ToString(),
            activity.ParentSpanId == default ? "-" : activity.ParentSpanId.ToString(),
            activity.Kind.ToString(),
            activity.DisplayName,
            activity.GetTagItem("world.run.id") as string ?? "-",
            activity.GetTagItem("world.step.attempt") is int attempt ? attempt.ToString(CultureInfo.InvariantCulture) : "-",
            links.Length == 0 ? "-" : links,
        ];

        // Console.Out is synchronized and flushes every line, so a span ended before a SIGKILL reaches the test.
        Console.Out.WriteLine(string.Join('\t', fields));
    }
}
