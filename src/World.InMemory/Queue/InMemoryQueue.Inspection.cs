using World.Queue;
using World.Backends;

namespace World.InMemory.Queue;

// Backlog counts, dispatch explanations and consumer presence: read under the queue's lock, decided by DispatchRules.
internal sealed partial class InMemoryQueue
{
    private readonly Dictionary<string, QueueConsumer> _consumers = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<QueueStats>> GetStatsAsync(IReadOnlyCollection<string>? queueNames = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        var names = DispatchRules.ValidateQueueNames(queueNames, "queueNames", allowEmpty: true);
        var now = Now();
        lock (_gate)
        {
            var wanted = names?.ToHashSet(StringComparer.Ordinal);
            var counts = new Dictionary<string, Counter>(StringComparer.Ordinal);
            Counter CounterOf(string queue) => counts.TryGetValue(queue, out var c) ? c : counts[queue] = new Counter();

            foreach (var entry in _messages.Values)
            {
                var queue = entry.Message.QueueName;
                if (wanted is not null && !wanted.Contains(queue))
                {
                    continue;
                }

                var counter = CounterOf(queue);
                if (entry.LeaseId is not null)
                {
                    if (entry.LeaseExpiresAt > now)
                    {
                        counter.Running++;
                    }
                    else
                    {
                        counter.LeaseExpired++;
                    }
                }
                else if (entry.AvailableAt > now)
                {
                    counter.Delayed++;
                }
                else
                {
                    counter.Ready++;
                    if (counter.OldestReadyAt is null || entry.AvailableAt < counter.OldestReadyAt)
                    {
                        counter.OldestReadyAt = entry.AvailableAt;
                    }
                }
            }

            foreach (var letter in _deadLetters.Values)
            {
                if (wanted is null || wanted.Contains(letter.QueueName))
                {
                    CounterOf(letter.QueueName).DeadLettered++;
                }
            }

            var raw = counts.Select(pair => new QueueCounts(pair.Key, pair.Value.Ready, pair.Value.Delayed, pair.Value.Running, pair.Value.LeaseExpired, pair.Value.DeadLettered, pair.Value.OldestReadyAt));
            var flows = new Dictionary<string, QueueFlowState>(StringComparer.Ordinal);
            foreach (var (queue, counter) in counts)
            {
                if (counter.Ready > 0 && FlowStateLocked(queue, concurrencyKey: null, now) is { } flow)
                {
                    flows[queue] = flow;
                }
            }

            return Task.FromResult(DispatchRules.Summarize(names, raw, LiveConsumersLocked(now), now, flows));
        }
    }

    public Task<DispatchStatus> GetDispatchStatusAsync(DispatchQuery query, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        DispatchRules.ValidateQuery(query);
        var now = Now();
        lock (_gate)
        {
            var found = FindLocked(query);
            var flow = found is null ? null : FlowStateLocked(found.QueueName, found.ConcurrencyKey, now);
            return Task.FromResult(DispatchRules.Explain(found, LiveConsumersLocked(now), flow, now));
        }
    }

    public Task ReportConsumerAsync(ConsumerReport report, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        var now = Now();
        var consumer = DispatchRules.ToConsumer(report, now);
        lock (_gate)
        {
            if (!_consumers.ContainsKey(consumer.ConsumerId) && LiveConsumersLocked(now).Count >= DispatchRules.MaxConsumers)
            {
                throw new WorldValidationException($"The World already knows {DispatchRules.MaxConsumers} live consumers.", "consumerId");
            }

            _consumers[consumer.ConsumerId] = consumer;
        }

        return Task.CompletedTask;
    }

    public Task RemoveConsumerAsync(string consumerId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        IdValidation.RequireName(consumerId, nameof(consumerId));
        lock (_gate)
        {
            _consumers.Remove(consumerId);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<QueueConsumer>> ListConsumersAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        var now = Now();
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<QueueConsumer>>(LiveConsumersLocked(now));
        }
    }

    /// <summary>The live consumers by id; lapsed reports are dropped here, so the table never grows with dead ones.</summary>
    private List<QueueConsumer> LiveConsumersLocked(DateTimeOffset now)
    {
        List<string>? lapsed = null;
        var live = new List<QueueConsumer>(_consumers.Count);
        foreach (var consumer in _consumers.Values)
        {
            if (DispatchRules.IsLive(consumer, now))
            {
                live.Add(consumer);
            }
            else
            {
                (lapsed ??= []).Add(consumer.ConsumerId);
            }
        }

        foreach (var id in lapsed ?? [])
        {
            _consumers.Remove(id);
        }

        live.Sort(static (a, b) => string.CompareOrdinal(a.ConsumerId, b.ConsumerId));
        return live;
    }

    private QueueMessageState? FindLocked(DispatchQuery query)
    {
        QueueEntry? entry = null;
        if (query.MessageId is { } id)
        {
            _messages.TryGetValue(id, out entry);
        }
        else if (_idempotency.TryGetValue((query.QueueName!, query.IdempotencyKey!), out var keyed))
        {
            entry = _messages[keyed];
        }

        if (entry is not null)
        {
            var leased = entry.LeaseId is not null;
            return new QueueMessageState(
                entry.MessageId,
                entry.Message.QueueName,
                entry.AvailableAt,
                leased ? entry.LeaseOwner : null,
                leased ? entry.LeaseExpiresAt : null,
                entry.Attempt,
                entry.Failures,
                entry.Message.EnqueuedAt,
                DeadLetteredAt: null) { ConcurrencyKey = entry.Message.ConcurrencyKey };
        }

        var letter = query.MessageId is { } letterId
            ? _deadLetters.GetValueOrDefault(letterId)
            : _deadLetters.Values.LastOrDefault(l => l.QueueName == query.QueueName && l.IdempotencyKey == query.IdempotencyKey);
        return letter is null
            ? null
            : new QueueMessageState(letter.MessageId, letter.QueueName, letter.DeadLetteredAt, null, null, letter.Attempts, letter.Failures, letter.EnqueuedAt, letter.DeadLetteredAt);
    }

    private sealed class Counter
    {
        public long Ready { get; set; }

        public long Delayed { get; set; }

        public long Running { get; set; }

        public long LeaseExpired { get; set; }

        public long DeadLettered { get; set; }

        public DateTimeOffset? OldestReadyAt { get; set; }
    }
}
