using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using World.Queue;
using World.Backends;

namespace World.Diagnostics;

/// <summary>
/// The <see cref="ActivitySource"/> and <see cref="Meter"/> of the queue (<see cref="WorldTelemetry.QueueSourceName"/>)
/// and the instruments the <see cref="Queue.QueueProcessor"/> records. Every recording checks for a listener first, so
/// an application that collects nothing pays a branch, not an allocation.
/// </summary>
internal static class QueueTelemetry
{
    public const string DestinationTag = "messaging.destination.name";
    public const string OutcomeTag = "world.queue.outcome";
    public const string ErrorTypeTag = "error.type";
    public const string DispatchReasonTag = "world.dispatch.reason";

    public static readonly string Version = WorldTelemetry.VersionOf(typeof(QueueTelemetry).Assembly);

    public static readonly ActivitySource Source = new(WorldTelemetry.QueueSourceName, Version);

    public static readonly Meter Meter = new(WorldTelemetry.QueueSourceName, Version);

    public static readonly Counter<long> Claimed = Meter.CreateCounter<long>(
        "world.queue.messages.claimed", "{message}", "Messages claimed by queue processors.");

    public static readonly Counter<long> Outcomes = Meter.CreateCounter<long>(
        "world.queue.messages.processed", "{message}", "Deliveries a queue processor finished, by outcome.");

    public static readonly Histogram<double> ProcessDuration = Meter.CreateHistogram(
        "world.queue.process.duration", "s", "Time from the start of a delivery's handler to its settlement.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    public static readonly Histogram<double> PickupLatency = Meter.CreateHistogram(
        "world.queue.pickup.duration", "s", "First deliveries only: time from the message's enqueue to its claim.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    public static readonly Counter<long> ClaimFailures = Meter.CreateCounter<long>(
        "world.queue.claim.failures", "{failure}", "Claims that failed, by fault kind; each is retried with backoff.");

    public static readonly UpDownCounter<long> ActiveHandlers = Meter.CreateUpDownCounter<long>(
        "world.queue.handlers.active", "{handler}", "Handlers running now.");

    public static readonly Counter<long> CircuitTransitions = Meter.CreateCounter<long>(
        "world.queue.circuit.transitions", "{transition}", "State changes of the claim circuit breaker, by the state entered.");

    public static readonly UpDownCounter<long> HandlerCapacity = Meter.CreateUpDownCounter<long>(
        "world.queue.handlers.capacity", "{handler}", "Handler slots of the running queue processors; utilization is handlers.active over this.");

    public static readonly Counter<long> Renewals = Meter.CreateCounter<long>(
        "world.queue.lease.renewals", "{renewal}", "Lease renewal attempts (heartbeats) of running handlers, by outcome: renewed; failed (an attempt that threw, retried while time is left); or lost (renewal failed until too close to expiry, or another consumer holds the message).");

    public static readonly Counter<long> ProcessorLifecycle = Meter.CreateCounter<long>(
        "world.queue.processor.lifecycle", "{processor}", "Queue processors (workers) started and stopped, by outcome: started or stopped.");

    public static readonly ObservableGauge<long> Backlog = Meter.CreateObservableGauge(
        "world.queue.messages", ObserveBacklog, "{message}",
        "Messages of each queue by dispatch reason (ready, no_consumer, consumers_at_capacity, delayed, running, lease_expired, dead_lettered), sampled by queue processors every PresenceInterval.");

    public static readonly ObservableGauge<double> OldestReadyAge = Meter.CreateObservableGauge(
        "world.queue.oldest_ready.age", ObserveOldestReadyAge, "s",
        "How long the oldest ready message of each queue has waited, sampled by queue processors every PresenceInterval.");

    // The latest backlog sample per queue. Several processors in one process may sample the same queue: the newest wins.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, QueueStats> BacklogSamples = new(StringComparer.Ordinal);

    /// <summary>Whether anyone collects the backlog gauges, so processors read stats only then.</summary>
    public static bool BacklogCollected => Backlog.Enabled || OldestReadyAge.Enabled;

    // How many running processors of this process consume each queue: the backlog of a queue nobody here consumes any
    // more is dropped rather than reported, frozen at its last sample, for as long as the process lives.
    private static readonly Dictionary<string, int> Samplers = new(StringComparer.Ordinal);

    public static void ProcessorStarted(IReadOnlyCollection<string> queues, int capacity)
    {
        AddCapacity(queues, capacity);
        RecordLifecycle(queues, "started");
        lock (Samplers)
        {
            foreach (var queue in queues)
            {
                Samplers[queue] = Samplers.GetValueOrDefault(queue) + 1;
            }
        }
    }

    public static void ProcessorStopped(IReadOnlyCollection<string> queues, int capacity)
    {
        AddCapacity(queues, -capacity);
        RecordLifecycle(queues, "stopped");
        lock (Samplers)
        {
            foreach (var queue in queues)
            {
                if (Samplers.GetValueOrDefault(queue) <= 1)
                {
                    Samplers.Remove(queue);
                    BacklogSamples.TryRemove(queue, out _);
                }
                else
                {
                    Samplers[queue]--;
                }
            }
        }
    }

    /// <summary>
    /// Reading the backlog failed: the gauges of these queues stop reporting until a read succeeds, so an outage shows
    /// as missing data instead of the last numbers read before it.
    /// </summary>
    public static void BacklogUnavailable(IReadOnlyCollection<string> queues)
    {
        foreach (var queue in queues)
        {
            BacklogSamples.TryRemove(queue, out _);
        }
    }

    public static void RecordRenewal(string queue, string outcome)
    {
        if (Renewals.Enabled)
        {
            Renewals.Add(1, new KeyValuePair<string, object?>(DestinationTag, queue), new KeyValuePair<string, object?>(OutcomeTag, outcome));
        }
    }

    public static void RecordBacklog(IReadOnlyList<QueueStats> stats)
    {
        foreach (var queue in stats)
        {
            lock (Samplers)
            {
                if (!Samplers.ContainsKey(queue.QueueName))
                {
                    continue; // Its last processor stopped while this read was under way.
                }
            }

            BacklogSamples.AddOrUpdate(queue.QueueName, queue, (_, previous) => previous.AsOf > queue.AsOf ? previous : queue);
        }
    }

    // A processor of several queues is one label: their names joined by commas.
    private static string QueueSetLabel(IReadOnlyCollection<string> queues) => QueueRules.QueueSetKey(queues).Replace('\n', ',');

    private static void RecordLifecycle(IReadOnlyCollection<string> queues, string outcome)
    {
        if (ProcessorLifecycle.Enabled)
        {
            ProcessorLifecycle.Add(1, new KeyValuePair<string, object?>(DestinationTag, QueueSetLabel(queues)), new KeyValuePair<string, object?>(OutcomeTag, outcome));
        }
    }

    private static void AddCapacity(IReadOnlyCollection<string> queues, int capacity)
    {
        // A processor of several queues shares its slots among them; its capacity is counted once, under all its queues.
        HandlerCapacity.Add(capacity, new KeyValuePair<string, object?>(DestinationTag, QueueSetLabel(queues)));
    }

    private static IEnumerable<Measurement<long>> ObserveBacklog()
    {
        foreach (var stats in BacklogSamples.Values)
        {
            var queue = new KeyValuePair<string, object?>(DestinationTag, stats.QueueName);
            yield return new Measurement<long>(stats.Ready, queue, Reason(stats.ReadyReason));
            yield return new Measurement<long>(stats.Delayed, queue, Reason(DispatchReason.Delayed));
            yield return new Measurement<long>(stats.Running, queue, Reason(DispatchReason.Running));
            yield return new Measurement<long>(stats.LeaseExpired, queue, Reason(DispatchReason.LeaseExpired));
            yield return new Measurement<long>(stats.DeadLettered, queue, Reason(DispatchReason.DeadLettered));
        }
    }

    private static IEnumerable<Measurement<double>> ObserveOldestReadyAge()
    {
        foreach (var stats in BacklogSamples.Values)
        {
            yield return new Measurement<double>(stats.OldestReadyAge.TotalSeconds, new KeyValuePair<string, object?>(DestinationTag, stats.QueueName));
        }
    }

    private static KeyValuePair<string, object?> Reason(DispatchReason reason) => new(DispatchReasonTag, reason.ToCode());

    // Durations of queue work span milliseconds (a handler) to hours (a message that waited out a backlog).
    private static IReadOnlyList<double> DurationBuckets => [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

    /// <summary>Counts a claim's messages per queue and, for first deliveries, how long they waited to be picked up.</summary>
    /// <remarks>
    /// Only first deliveries: a redelivered message keeps its original <see cref="QueueMessage.EnqueuedAt"/>, and the
    /// time it became available again is not part of the message, so a "pickup latency" for it would mostly measure
    /// its earlier handling and backoff. The wait includes any delay asked for at enqueue.
    /// </remarks>
    public static void RecordClaimed(IReadOnlyList<QueueMessage> messages, DateTimeOffset now)
    {
        if (messages.Count == 0 || !(Claimed.Enabled || PickupLatency.Enabled))
        {
            return;
        }

        foreach (var message in messages)
        {
            var queue = new KeyValuePair<string, object?>(DestinationTag, message.QueueName);
            Claimed.Add(1, queue);
            if (message.Attempt == 1)
            {
                PickupLatency.Record(Math.Max(0, (now - message.EnqueuedAt).TotalSeconds), queue);
            }
        }
    }

    public static void RecordClaimFailure(WorldFaultKind kind)
    {
        if (ClaimFailures.Enabled)
        {
            ClaimFailures.Add(1, new KeyValuePair<string, object?>(ErrorTypeTag, FaultKindName(kind)));
        }
    }

    public static void RecordCircuit(string state)
    {
        if (CircuitTransitions.Enabled)
        {
            CircuitTransitions.Add(1, new KeyValuePair<string, object?>("world.queue.circuit.state", state));
        }
    }

    /// <summary>Starts the telemetry of one delivery: its consumer span (parented on the trace context in its headers) and the in-flight count.</summary>
    public static QueueProcessTelemetry StartProcess(QueueMessage message)
    {
        ActiveHandlers.Add(1, new KeyValuePair<string, object?>(DestinationTag, message.QueueName));
        Activity? activity = null;
        if (Source.HasListeners())
        {
            activity = Source.StartActivity("process " + message.QueueName, ActivityKind.Consumer, WorldTraceContext.Extract(message.Headers));
            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag("messaging.system", WorldTelemetry.MessagingSystem);
                activity.SetTag("messaging.operation.type", "process");
                activity.SetTag("messaging.operation.name", "process");
                activity.SetTag(DestinationTag, message.QueueName);
                activity.SetTag("messaging.message.id", message.MessageId);
                activity.SetTag("world.queue.attempt", message.Attempt);
            }
        }

        return new QueueProcessTelemetry(message.QueueName, activity, Stopwatch.GetTimestamp());
    }

    private static string FaultKindName(WorldFaultKind kind) => kind switch
    {
        WorldFaultKind.Transient => "transient",
        WorldFaultKind.Configuration => "configuration",
        WorldFaultKind.Rejected => "rejected",
        _ => "unexpected",
    };
}
