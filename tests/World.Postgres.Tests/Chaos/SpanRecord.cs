using System.Diagnostics;
using System.Globalization;

namespace World.Postgres.Tests.Chaos;

/// <summary>A span a chaos worker announced when it ended (tests/World.Postgres.ChaosWorker/SpanJournal.cs).</summary>
internal sealed record SpanRecord(
    string Worker,
    ActivityTraceId TraceId,
    ActivitySpanId SpanId,
    ActivitySpanId? ParentSpanId,
    ActivityKind Kind,
    string Name,
    string? RunId,
    int? StepAttempt,
    IReadOnlyList<ActivityContext> Links)
{
    public const string Prefix = "CHAOS-SPAN\t";

    /// <summary>Whether it is in <paramref name="traceId"/>, or links to a span of it.</summary>
    public bool BelongsTo(ActivityTraceId traceId) => TraceId == traceId || Links.Any(link => link.TraceId == traceId);

    public static SpanRecord Parse(string line)
    {
        var fields = line.Split('\t');
        if (fields.Length != 10 || fields[0] != "CHAOS-SPAN")
        {
            throw new FormatException($"Not a span line: {line}");
        }

        return new SpanRecord(
            fields[1],
            ActivityTraceId.CreateFromString(fields[2]),
            ActivitySpanId.CreateFromString(fields[3]),
            fields[4] == "-" ? null : ActivitySpanId.CreateFromString(fields[4]),
            Enum.Parse<ActivityKind>(fields[5]),
            fields[6],
            fields[7] == "-" ? null : fields[7],
            fields[8] == "-" ? null : int.Parse(fields[8], CultureInfo.InvariantCulture),
            fields[9] == "-" ? [] : [.. fields[9].Split(',').Select(ParseLink)]);
    }

    private static ActivityContext ParseLink(string link)
    {
        var colon = link.IndexOf(':', StringComparison.Ordinal);
        return new ActivityContext(ActivityTraceId.CreateFromString(link.AsSpan(0, colon)), ActivitySpanId.CreateFromString(link.AsSpan(colon + 1)), ActivityTraceFlags.Recorded);
    }
}
