using System.Diagnostics;

namespace World.Diagnostics;

/// <summary>
/// Carries W3C trace context (<c>traceparent</c>, <c>tracestate</c>) in queue message headers through
/// <see cref="DistributedContextPropagator.Current"/>, so a message handled in another process continues the trace
/// of whoever enqueued it, without any dependency on the OpenTelemetry SDK.
/// </summary>
public static class WorldTraceContext
{
    /// <summary>
    /// The headers that carry <paramref name="activity"/>'s context, merged over <paramref name="headers"/>; returns
    /// <paramref name="headers"/> unchanged when there is no activity (no tracing, no cost).
    /// </summary>
    public static IReadOnlyDictionary<string, string>? Inject(Activity? activity, IReadOnlyDictionary<string, string>? headers = null)
    {
        if (activity is null)
        {
            return headers;
        }

        var merged = headers is null ? new Dictionary<string, string>(2, StringComparer.Ordinal) : new Dictionary<string, string>(headers, StringComparer.Ordinal);
        DistributedContextPropagator.Current.Inject(activity, merged, static (carrier, name, value) =>
        {
            if (carrier is Dictionary<string, string> target && value is not null)
            {
                target[name] = value;
            }
        });
        return merged;
    }

    /// <summary>The parent context carried by <paramref name="headers"/>, or default when they carry none (or a malformed one).</summary>
    public static ActivityContext Extract(IReadOnlyDictionary<string, string>? headers)
    {
        if (headers is null || headers.Count == 0)
        {
            return default;
        }

        DistributedContextPropagator.Current.ExtractTraceIdAndState(headers, Getter, out var traceParent, out var traceState);
        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
    }

    /// <summary>The run attribute holding the W3C <c>traceparent</c> of the activity a run was started under.</summary>
    public const string TraceParentAttribute = "$traceparent";

    /// <summary>The run attribute holding the W3C <c>tracestate</c> of the activity a run was started under, when it has one.</summary>
    public const string TraceStateAttribute = "$tracestate";

    /// <summary>
    /// <paramref name="attributes"/> plus the reserved attributes that record <paramref name="activity"/>'s context on a
    /// new run (<see cref="TraceParentAttribute"/>, <see cref="TraceStateAttribute"/>), so every later invocation of the
    /// run, in any process and after any crash, can link back to the trace that started it. Unchanged without an activity.
    /// </summary>
    public static IReadOnlyDictionary<string, string>? WithRunTraceContext(Activity? activity, IReadOnlyDictionary<string, string>? attributes)
    {
        if (Inject(activity) is not { } headers)
        {
            return attributes;
        }

        var merged = attributes is null ? new Dictionary<string, string>(2, StringComparer.Ordinal) : new Dictionary<string, string>(attributes, StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            merged["$" + name] = value;
        }

        return merged;
    }

    /// <summary>The context a run was started under (<see cref="WithRunTraceContext"/>), or default when it records none.</summary>
    public static ActivityContext ExtractFromRun(IReadOnlyDictionary<string, string>? attributes)
    {
        if (attributes is null || !attributes.TryGetValue(TraceParentAttribute, out var traceParent))
        {
            return default;
        }

        var headers = new Dictionary<string, string>(2, StringComparer.Ordinal) { ["traceparent"] = traceParent };
        if (attributes.TryGetValue(TraceStateAttribute, out var traceState))
        {
            headers["tracestate"] = traceState;
        }

        return Extract(headers);
    }

    private static void Getter(object? carrier, string name, out string? value, out IEnumerable<string>? values)
    {
        values = null;
        value = carrier is IReadOnlyDictionary<string, string> headers && headers.TryGetValue(name, out var found) ? found : null;
    }
}
