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

    private static void Getter(object? carrier, string name, out string? value, out IEnumerable<string>? values)
    {
        values = null;
        value = carrier is IReadOnlyDictionary<string, string> headers && headers.TryGetValue(name, out var found) ? found : null;
    }
}
