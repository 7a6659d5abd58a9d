using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace World.Backends;

/// <summary>
/// The one place that decides why work is not running, and the validation of the inspection calls. Backends read
/// state (<see cref="QueueMessageState"/>, <see cref="QueueCounts"/>, live <see cref="QueueConsumer"/>s) and hand it
/// here, so both backends explain the same state in the same words. Tested in isolation and through every backend by
/// the kit's <c>DispatchStatusTests</c>.
/// </summary>
[Experimental(BackendApi.DiagnosticId, Message = BackendApi.Message)]
public static class DispatchRules
{
    /// <summary>The longest a consumer report may hold: a crashed consumer is forgotten within this time.</summary>
    public static readonly TimeSpan MaxConsumerTimeToLive = TimeSpan.FromHours(1);

    /// <summary>The most live consumers one World keeps; a report beyond it is refused.</summary>
    public const int MaxConsumers = 10_000;

    /// <summary>The most queues one consumer report or stats request may name.</summary>
    public const int MaxQueuesPerRequest = 1_000;

    /// <summary>Validates a consumer report.</summary>
    /// <exception cref="WorldValidationException">A field is missing or out of range.</exception>
    public static IReadOnlyList<string> ValidateReport(ConsumerReport report)
    {
        if (report is null)
        {
            throw new WorldValidationException("A consumer report is required.", "report");
        }

        IdValidation.RequireName(report.ConsumerId, "consumerId");
        var queues = ValidateQueueNames(report.QueueNames, "queueNames", allowEmpty: false)!;
        if (report.Capacity < 1)
        {
            throw new WorldValidationException($"capacity must be at least 1, got {report.Capacity}.", "capacity");
        }

        if (report.InFlight < 0 || report.InFlight > report.Capacity)
        {
            throw new WorldValidationException($"inFlight must be between 0 and capacity ({report.Capacity}), got {report.InFlight}.", "inFlight");
        }

        if (report.TimeToLive <= TimeSpan.Zero || report.TimeToLive > MaxConsumerTimeToLive)
        {
            throw new WorldValidationException($"timeToLive must be positive and at most {MaxConsumerTimeToLive}, got {report.TimeToLive}.", "timeToLive");
        }

        return queues;
    }

    /// <summary>Validates a dispatch query.</summary>
    /// <exception cref="WorldValidationException">The query is missing or names an invalid id, queue or key.</exception>
    public static DispatchQuery ValidateQuery(DispatchQuery query)
    {
        if (query is null)
        {
            throw new WorldValidationException("A dispatch query is required.", "query");
        }

        if (query.MessageId is not null)
        {
            IdValidation.RequireSafeId(query.MessageId, "messageId");
        }
        else
        {
            IdValidation.RequireName(query.QueueName, "queueName");
            IdValidation.RequireKey(query.IdempotencyKey, "idempotencyKey", IdValidation.MaxKeyBytes);
        }

        return query;
    }

    /// <summary>
    /// Validates the queue names of a stats request or consumer report: valid names, at most
    /// <see cref="MaxQueuesPerRequest"/>; returns them in the given order without repeats. Null (all queues) stays null when <paramref name="allowEmpty"/>.
    /// </summary>
    /// <exception cref="WorldValidationException">A name is invalid, or the list is empty when it may not be.</exception>
    public static IReadOnlyList<string>? ValidateQueueNames(IReadOnlyCollection<string>? queueNames, string field, bool allowEmpty)
    {
        if (queueNames is null)
        {
            return allowEmpty ? null : throw new WorldValidationException($"{field} names at least one queue.", field);
        }

        if (queueNames.Count == 0 && !allowEmpty)
        {
            throw new WorldValidationException($"{field} names at least one queue.", field);
        }

        if (queueNames.Count > MaxQueuesPerRequest)
        {
            throw new WorldValidationException($"{field} names at most {MaxQueuesPerRequest} queues, got {queueNames.Count}.", field);
        }

        foreach (var name in queueNames)
        {
            IdValidation.RequireName(name, field);
        }

        return queueNames.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Builds the consumer a report describes, as of <paramref name="now"/>.</summary>
    public static QueueConsumer ToConsumer(ConsumerReport report, DateTimeOffset now)
    {
        var queues = ValidateReport(report);
        return new QueueConsumer(report.ConsumerId, queues, report.Capacity, report.InFlight, now, now + report.TimeToLive);
    }

    /// <summary>Whether a consumer's report still holds at <paramref name="now"/>.</summary>
    public static bool IsLive(QueueConsumer consumer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        return consumer.ExpiresAt > now;
    }

    /// <summary>
    /// Why a message is or is not running. <paramref name="state"/> is what the backend found (null: nothing);
    /// <paramref name="consumers"/> may include lapsed reports, which are ignored.
    /// </summary>
    public static DispatchStatus Explain(QueueMessageState? state, IReadOnlyCollection<QueueConsumer> consumers, DateTimeOffset now) =>
        Explain(state, consumers, flow: null, now);

    /// <summary>
    /// Why a message is or is not running, with its queue's flow control: an available message its queue's policy
    /// holds back reports that reason (<see cref="FlowRules.HeldBack"/>) before any consumer reason.
    /// <paramref name="flow"/> is null for a queue without a policy.
    /// </summary>
    public static DispatchStatus Explain(QueueMessageState? state, IReadOnlyCollection<QueueConsumer> consumers, QueueFlowState? flow, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(consumers);
        if (state is null)
        {
            return new DispatchStatus
            {
                Reason = DispatchReason.NotFound,
                AsOf = now,
                Description = "No live message or dead letter matches: it was completed, purged or never enqueued.",
            };
        }

        var (reason, until, owner, description) = state switch
        {
            { DeadLetteredAt: { } diedAt } =>
                (DispatchReason.DeadLettered, (DateTimeOffset?)null, (string?)null,
                    Format("Dead-lettered at {0:O} after {1} failed deliveries; replay it to run it again.", diedAt, state.Failures)),
            { LeaseOwner: { } holder, LeaseExpiresAt: { } expiresAt } when expiresAt > now =>
                (DispatchReason.Running, expiresAt, holder, Format("Running, leased by '{0}' until {1:O}.", holder, expiresAt)),
            { LeaseOwner: { } holder } =>
                (DispatchReason.LeaseExpired, null, holder,
                    Format("The lease held by '{0}' lapsed without settlement; the next claim of queue '{1}' reclaims it.", holder, state.QueueName)),
            _ when state.AvailableAt > now =>
                (DispatchReason.Delayed, state.AvailableAt, null, Format("Delayed until {0:O}.", state.AvailableAt)),
            _ when flow is not null && FlowRules.HeldBack(flow, state.ConcurrencyKey, now) is { } held =>
                (held.Reason, held.Until, null, DescribeHeldBack(held.Reason, held.Until, state, flow)),
            _ => ReadyReasonOf(state.QueueName, consumers, now) switch
            {
                DispatchReason.NoConsumer =>
                    (DispatchReason.NoConsumer, null, null, Format("No consumer listens on queue '{0}'.", state.QueueName)),
                DispatchReason.ConsumersAtCapacity =>
                    (DispatchReason.ConsumersAtCapacity, null, null, Format("Every consumer of queue '{0}' runs as many handlers as it may.", state.QueueName)),
                _ => (DispatchReason.Ready, null, null, Format("Ready: the next claim of queue '{0}' takes it in priority order.", state.QueueName)),
            },
        };

        return new DispatchStatus
        {
            Reason = reason,
            MessageId = state.MessageId,
            QueueName = state.QueueName,
            Until = until,
            ConcurrencyKey = state.ConcurrencyKey,
            LeaseOwner = owner,
            Attempt = state.Attempt,
            Failures = state.Failures,
            EnqueuedAt = state.EnqueuedAt,
            AsOf = now,
            Description = description,
        };
    }

    /// <summary>
    /// Why the ready messages of a queue wait: <see cref="DispatchReason.NoConsumer"/> when no live consumer listens,
    /// <see cref="DispatchReason.ConsumersAtCapacity"/> when all are full, else <see cref="DispatchReason.Ready"/>.
    /// </summary>
    public static DispatchReason ReadyReasonOf(string queueName, IReadOnlyCollection<QueueConsumer> consumers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(consumers);
        var listening = false;
        foreach (var consumer in consumers)
        {
            if (!IsLive(consumer, now) || !consumer.QueueNames.Contains(queueName, StringComparer.Ordinal))
            {
                continue;
            }

            if (consumer.InFlight < consumer.Capacity)
            {
                return DispatchReason.Ready;
            }

            listening = true;
        }

        return listening ? DispatchReason.ConsumersAtCapacity : DispatchReason.NoConsumer;
    }

    /// <summary>
    /// Turns a backend's counts into the stats of each queue. With <paramref name="queueNames"/>, exactly those queues
    /// in that order (zeros for a queue with nothing); without, every queue that has messages, dead letters or live
    /// consumers, ordered by name.
    /// </summary>
    public static IReadOnlyList<QueueStats> Summarize(
        IReadOnlyList<string>? queueNames,
        IEnumerable<QueueCounts> counts,
        IReadOnlyCollection<QueueConsumer> consumers,
        DateTimeOffset now,
        IReadOnlyDictionary<string, QueueFlowState>? flows = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(consumers);
        var byQueue = counts.ToDictionary(c => c.QueueName, StringComparer.Ordinal);
        var live = consumers.Where(c => IsLive(c, now)).ToArray();
        var names = queueNames
            ?? byQueue.Keys.Concat(live.SelectMany(c => c.QueueNames)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

        var stats = new QueueStats[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            var c = byQueue.GetValueOrDefault(name) ?? new QueueCounts(name, 0, 0, 0, 0, 0, null);
            var listening = live.Where(consumer => consumer.QueueNames.Contains(name, StringComparer.Ordinal)).ToArray();
            stats[i] = new QueueStats
            {
                QueueName = name,
                Ready = c.Ready,
                Delayed = c.Delayed,
                Running = c.Running,
                LeaseExpired = c.LeaseExpired,
                DeadLettered = c.DeadLettered,
                OldestReadyAt = c.Ready > 0 ? c.OldestReadyAt : null,
                Consumers = listening.Length,
                Capacity = listening.Sum(consumer => consumer.Capacity),
                InFlight = listening.Sum(consumer => consumer.InFlight),
                ReadyReason = HeldBackReadyOf(c, flows, now) ?? ReadyReasonOf(name, listening, now),
                AsOf = now,
            };
        }

        return stats;
    }

    /// <summary>
    /// Why a queue's ready messages wait when its policy holds them all back (paused, at its cap, out of rate tokens);
    /// null when it does not. A per-key cap holds back single keys, not the queue, so it never explains a whole queue.
    /// </summary>
    private static DispatchReason? HeldBackReadyOf(QueueCounts counts, IReadOnlyDictionary<string, QueueFlowState>? flows, DateTimeOffset now) =>
        counts.Ready > 0 && flows is not null && flows.TryGetValue(counts.QueueName, out var flow) && FlowRules.HeldBack(flow, concurrencyKey: null, now) is { } held
            ? held.Reason
            : null;

    private static string DescribeHeldBack(DispatchReason reason, DateTimeOffset? until, QueueMessageState state, QueueFlowState flow) => reason switch
    {
        DispatchReason.Paused => Format("Queue '{0}' is paused; no claim takes its messages until it is resumed.", state.QueueName),
        DispatchReason.QueueAtConcurrencyLimit =>
            Format("Queue '{0}' has {1} messages leased, its concurrency limit; a claim takes this one when a slot frees.", state.QueueName, flow.Leased),
        DispatchReason.KeyAtConcurrencyLimit =>
            Format("Concurrency key '{0}' of queue '{1}' has {2} messages leased, its limit per key; a claim takes this one when one of them settles.", state.ConcurrencyKey, state.QueueName, flow.LeasedWithKey),
        _ => Format("Queue '{0}' is rate-limited; its next token comes at {1:O}.", state.QueueName, until),
    };

    private static string Format(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
