using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using World.Diagnostics;

namespace World.Backends;

/// <summary>
/// The enqueue counter of the queue (<c>world.queue.messages.enqueued</c> on the <see cref="WorldTelemetry.QueueSourceName"/>
/// meter). Enqueues happen inside each backend, so a backend calls <see cref="RecordEnqueued(string, IReadOnlyList{EnqueueResult})"/>
/// once its write has succeeded; names, units and labels stay the same on every backend because they live here.
/// </summary>
/// <remarks>
/// The meter carries the same name as the queue processor's in World.Hosting: exporters and listeners subscribe by name,
/// so one subscription sees both.
/// </remarks>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public static class EnqueueTelemetry
{
    /// <summary>The queue label (the OpenTelemetry messaging convention's destination).</summary>
    public const string DestinationTag = "messaging.destination.name";

    /// <summary>The outcome label: a new message, or a duplicate of a live message with the same idempotency key.</summary>
    public const string OutcomeTag = "world.outcome";

    private static readonly Meter Meter = new(WorldTelemetry.QueueSourceName, WorldTelemetry.VersionOf(typeof(EnqueueTelemetry).Assembly));

    private static readonly Counter<long> Enqueued = Meter.CreateCounter<long>(
        "world.queue.messages.enqueued", "{message}", "Enqueue requests that succeeded, by queue and outcome: enqueued (a new message) or duplicate (a live message with its idempotency key existed).");

    /// <summary>Counts one successful enqueue.</summary>
    public static void RecordEnqueued(string queueName, EnqueueResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (Enqueued.Enabled)
        {
            Add(queueName, result.Duplicate ? 0 : 1, result.Duplicate ? 1 : 0);
        }
    }

    /// <summary>Counts a successful batch (or single) enqueue of one queue.</summary>
    public static void RecordEnqueued(string queueName, IReadOnlyList<EnqueueResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (!Enqueued.Enabled)
        {
            return;
        }

        var duplicates = 0;
        foreach (var result in results)
        {
            duplicates += result.Duplicate ? 1 : 0;
        }

        Add(queueName, results.Count - duplicates, duplicates);
    }

    private static void Add(string queueName, int enqueued, int duplicates)
    {
        if (enqueued > 0)
        {
            Enqueued.Add(enqueued, new KeyValuePair<string, object?>(DestinationTag, queueName), new KeyValuePair<string, object?>(OutcomeTag, "enqueued"));
        }

        if (duplicates > 0)
        {
            Enqueued.Add(duplicates, new KeyValuePair<string, object?>(DestinationTag, queueName), new KeyValuePair<string, object?>(OutcomeTag, "duplicate"));
        }
    }
}
