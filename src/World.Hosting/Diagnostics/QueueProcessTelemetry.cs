using System.Diagnostics;

namespace World.Diagnostics;

/// <summary>
/// The telemetry of one delivery in a <see cref="Queue.QueueProcessor"/>: the processor sets <see cref="Outcome"/> (and
/// <see cref="Error"/>) on each of its paths and calls <see cref="End"/> once. A struct, so that a delivery costs no
/// allocation when nobody listens.
/// </summary>
internal struct QueueProcessTelemetry(string queueName, Activity? activity, long startTimestamp)
{
    public const string Completed = "completed";
    public const string Redelivered = "redelivered";
    public const string Failed = "failed";
    public const string DeadLettered = "dead_lettered";
    public const string LeaseLost = "lease_lost";
    public const string Cancelled = "cancelled";
    public const string Abandoned = "abandoned";

    /// <summary>How the delivery ended; <see cref="Cancelled"/> until a path says otherwise, so an unforeseen exit never reads as success.</summary>
    public string Outcome { get; set; } = Cancelled;

    /// <summary>The handler's exception, when it threw.</summary>
    public Exception? Error { get; set; }

    public readonly void End()
    {
        var queue = new KeyValuePair<string, object?>(QueueTelemetry.DestinationTag, queueName);
        QueueTelemetry.ActiveHandlers.Add(-1, queue);
        var outcome = new KeyValuePair<string, object?>(QueueTelemetry.OutcomeTag, Outcome);
        if (QueueTelemetry.Outcomes.Enabled)
        {
            QueueTelemetry.Outcomes.Add(1, queue, outcome);
        }

        if (QueueTelemetry.ProcessDuration.Enabled)
        {
            QueueTelemetry.ProcessDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, queue, outcome);
        }

        if (activity is null)
        {
            return;
        }

        activity.SetTag(QueueTelemetry.OutcomeTag, Outcome);
        if (Error is not null)
        {
            activity.SetTag(QueueTelemetry.ErrorTypeTag, Error.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, Error.Message);
        }
        else if (Outcome is LeaseLost or Abandoned)
        {
            activity.SetTag(QueueTelemetry.ErrorTypeTag, Outcome);
            activity.SetStatus(ActivityStatusCode.Error);
        }

        activity.Dispose();
    }
}
