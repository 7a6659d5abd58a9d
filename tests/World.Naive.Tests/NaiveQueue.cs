using World.Queue;
using World.Backends;

namespace World.Naive.Tests;

/// <summary>
/// The naive queue: a list of live messages and a dictionary of dead letters under the World's one lock. Every
/// decision (validation, dead-lettering, coalescing, rerun) is <see cref="QueueRules"/>'s; this class only stores.
/// </summary>
internal sealed class NaiveQueue(NaiveState state) : IWorldQueue
{
    private readonly List<Message> _live = [];
    private readonly Dictionary<string, DeadLetter> _dead = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueueConsumer> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _signalAtLastClaim = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (QueuePolicy Policy, double Tokens, DateTimeOffset TokensAt)> _policies = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<EnqueueResult> EnqueueAsync(string queueName, ReadOnlyMemory<byte> payload, EnqueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        var prepared = QueueRules.PrepareEnqueue(queueName, payload, options, state.Now());
        EnqueueResult result;
        lock (state.Gate)
        {
            AdmitLocked([prepared]);
            result = EnqueueLocked(prepared);
        }

        EnqueueTelemetry.RecordEnqueued(prepared.QueueName, result);
        return Task.FromResult(result);
    }

    public Task<IReadOnlyList<EnqueueResult>> EnqueueBatchAsync(string queueName, IReadOnlyList<EnqueueRequest> messages, CancellationToken cancellationToken = default)
    {
        var prepared = QueueRules.PrepareEnqueueBatch(queueName, messages, state.Now());
        EnqueueResult[] results;
        lock (state.Gate)
        {
            if (prepared.Count > 0)
            {
                AdmitLocked(prepared);
            }

            results = [.. prepared.Select(EnqueueLocked)];
        }

        EnqueueTelemetry.RecordEnqueued(queueName, results);
        return Task.FromResult<IReadOnlyList<EnqueueResult>>(results);
    }

    public Task<IReadOnlyList<QueueMessage>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateClaim(request);
        lock (state.Gate)
        {
            _signalAtLastClaim[QueueRules.QueueSetKey(request.QueueNames)] = _changed.Task;
            var now = state.Now();
            foreach (var expired in _live.Where(m => m.LeaseId is not null && m.LeaseExpiresAt <= now && request.QueueNames.Contains(m.Prepared.QueueName)).ToList())
            {
                RecordFailureLocked(expired, QueueRules.LeaseExpired, now, now);
            }

            var leaseId = Guid.NewGuid().ToString("N");
            var claimed = request.QueueNames.Distinct(StringComparer.Ordinal)
                .SelectMany(queue => ClaimableLocked(queue, request.MaxMessages, now))
                .OrderByDescending(m => m.Prepared.Priority).ThenBy(m => m.AvailableAt).ThenBy(m => m.Prepared.MessageId, StringComparer.Ordinal)
                .Take(request.MaxMessages)
                .ToList();
            foreach (var queue in claimed.GroupBy(m => m.Prepared.QueueName))
            {
                if (_policies.TryGetValue(queue.Key, out var flow) && flow.Policy.RateLimit is { } rate)
                {
                    _policies[queue.Key] = flow with { Tokens = FlowRules.Refill(rate, flow.Tokens, flow.TokensAt, now) - queue.Count(), TokensAt = now };
                }
            }

            foreach (var message in claimed)
            {
                message.LeaseId = leaseId;
                message.LeaseOwner = request.Owner;
                message.LeaseExpiresAt = EventRules.Normalize(now + request.LeaseDuration);
                message.Attempt++;
            }

            return Task.FromResult<IReadOnlyList<QueueMessage>>([.. claimed.Select(m => m.ToMessage())]);
        }
    }

    public Task<bool> CompleteAsync(QueueLease lease, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateLease(lease);
        lock (state.Gate)
        {
            if (Leased(lease) is not { } message)
            {
                return Task.FromResult(false);
            }

            if (QueueRules.IsDoneOnCompletion(message.Rerun))
            {
                _live.Remove(message);
                SignalLocked(); // A freed concurrency slot may let a waiting claim take more.
            }
            else
            {
                UnleaseLocked(message, state.Now());
            }

            return Task.FromResult(true);
        }
    }

    public Task<bool> RenewAsync(QueueLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateRenew(lease, leaseDuration);
        lock (state.Gate)
        {
            if (Leased(lease) is not { } message)
            {
                return Task.FromResult(false);
            }

            message.LeaseExpiresAt = EventRules.Normalize(state.Now() + leaseDuration);
            return Task.FromResult(true);
        }
    }

    public Task<bool> ReleaseAsync(QueueLease lease, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateRelease(lease, delay);
        lock (state.Gate)
        {
            if (Leased(lease) is not { } message)
            {
                return Task.FromResult(false);
            }

            var now = state.Now();
            UnleaseLocked(message, QueueRules.AvailableAfterRelease(message.Rerun, now, EventRules.Normalize(now + delay)));
            return Task.FromResult(true);
        }
    }

    public Task<FailureOutcome> FailAsync(QueueLease lease, QueueFailure failure, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateFail(lease, failure);
        lock (state.Gate)
        {
            var now = state.Now();
            return Task.FromResult(Leased(lease) is { } message
                ? RecordFailureLocked(message, failure.Error, now, EventRules.Normalize(now + failure.RetryDelay))
                : FailureOutcome.LeaseLost);
        }
    }

    public async Task WaitForMessagesAsync(IReadOnlyCollection<string> queueNames, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateWait(queueNames, timeout);
        Task changed;
        lock (state.Gate)
        {
            // A change since this consumer's last claim ends the wait at once: it may have missed that message.
            changed = _signalAtLastClaim.GetValueOrDefault(QueueRules.QueueSetKey(queueNames)) ?? _changed.Task;
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(changed, Task.Delay(timeout, state.TimeProvider, wake.Token)).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    public Task<Page<DeadLetter>> ListDeadLettersAsync(DeadLetterQuery? query = null, CancellationToken cancellationToken = default)
    {
        (query, var page) = ReadRules.ValidateDeadLetterQuery(query);
        lock (state.Gate)
        {
            var letters = _dead.Values.Where(letter => query.QueueName is null || letter.QueueName == query.QueueName);
            return Task.FromResult(NaivePaging.Page(letters, letter => letter.MessageId, page, CursorListing.DeadLetters, query.QueueName ?? PageCursor.Unscoped, letter => letter with { Payload = null }));
        }
    }

    public Task<DeadLetter> GetDeadLetterAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ReadRules.ValidateDeadLetterId(messageId);
        lock (state.Gate)
        {
            return Task.FromResult(_dead.GetValueOrDefault(messageId) ?? throw new EntityNotFoundException(EntityKind.DeadLetter, messageId));
        }
    }

    public Task ReplayDeadLetterAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ReadRules.ValidateDeadLetterId(messageId);
        lock (state.Gate)
        {
            var letter = _dead.GetValueOrDefault(messageId) ?? throw new EntityNotFoundException(EntityKind.DeadLetter, messageId);
            if (letter.IdempotencyKey is { } key && HolderOf(letter.QueueName, key) is not null)
            {
                throw new EntityConflictException($"A live message of queue '{letter.QueueName}' holds idempotency key '{key}'; replay it after that message settles.");
            }

            _dead.Remove(messageId);
            _live.Add(new Message(QueueRules.PrepareReplay(letter, state.Now())));
            SignalLocked();
            return Task.CompletedTask;
        }
    }

    public Task<int> PurgeDeadLettersAsync(string? queueName = null, IReadOnlyCollection<string>? messageIds = null, CancellationToken cancellationToken = default)
    {
        ReadRules.ValidatePurge(queueName, messageIds);
        lock (state.Gate)
        {
            var doomed = _dead.Values.Where(l => (queueName is null || l.QueueName == queueName) && (messageIds is null || messageIds.Contains(l.MessageId))).ToList();
            doomed.ForEach(l => _dead.Remove(l.MessageId));
            return Task.FromResult(doomed.Count);
        }
    }

    public Task<IReadOnlyList<QueueStats>> GetStatsAsync(IReadOnlyCollection<string>? queueNames = null, CancellationToken cancellationToken = default)
    {
        var names = DispatchRules.ValidateQueueNames(queueNames, "queueNames", allowEmpty: true);
        lock (state.Gate)
        {
            var now = state.Now();
            var counts = _live.Select(m => m.Prepared.QueueName).Concat(_dead.Values.Select(d => d.QueueName)).Distinct(StringComparer.Ordinal)
                .Where(queue => names is null || names.Contains(queue))
                .Select(queue =>
                {
                    var live = _live.Where(m => m.Prepared.QueueName == queue).ToList();
                    var ready = live.Where(m => m.LeaseId is null && m.AvailableAt <= now).ToList();
                    return new QueueCounts(
                        queue,
                        ready.Count,
                        live.Count(m => m.LeaseId is null && m.AvailableAt > now),
                        live.Count(m => m.LeaseId is not null && m.LeaseExpiresAt > now),
                        live.Count(m => m.LeaseId is not null && m.LeaseExpiresAt <= now),
                        _dead.Values.Count(d => d.QueueName == queue),
                        ready.Count == 0 ? null : ready.Min(m => m.AvailableAt));
                })
                .ToList();
            var flows = counts.Where(c => c.Ready > 0).Select(c => (c.QueueName, Flow: FlowStateLocked(c.QueueName, null, now))).Where(f => f.Flow is not null).ToDictionary(f => f.QueueName, f => f.Flow!, StringComparer.Ordinal);
            return Task.FromResult(DispatchRules.Summarize(names, counts, LiveConsumersLocked(now), now, flows));
        }
    }

    public Task<DispatchStatus> GetDispatchStatusAsync(DispatchQuery query, CancellationToken cancellationToken = default)
    {
        DispatchRules.ValidateQuery(query);
        lock (state.Gate)
        {
            var now = state.Now();
            var live = query.MessageId is { } id ? _live.Find(m => m.Prepared.MessageId == id) : HolderOf(query.QueueName!, query.IdempotencyKey!);
            var dead = live is not null
                ? null
                : query.MessageId is { } deadId
                    ? _dead.GetValueOrDefault(deadId)
                    : _dead.Values.Where(d => d.QueueName == query.QueueName && d.IdempotencyKey == query.IdempotencyKey).MaxBy(d => d.MessageId, StringComparer.Ordinal);
            var found = live is not null
                ? new QueueMessageState(live.Prepared.MessageId, live.Prepared.QueueName, live.AvailableAt, live.LeaseId is null ? null : live.LeaseOwner, live.LeaseId is null ? null : live.LeaseExpiresAt, live.Attempt, live.Failures, live.Prepared.EnqueuedAt, null) { ConcurrencyKey = live.Prepared.ConcurrencyKey }
                : dead is not null
                    ? new QueueMessageState(dead.MessageId, dead.QueueName, dead.DeadLetteredAt, null, null, dead.Attempts, dead.Failures, dead.EnqueuedAt, dead.DeadLetteredAt)
                    : null;
            return Task.FromResult(DispatchRules.Explain(found, LiveConsumersLocked(now), found is null ? null : FlowStateLocked(found.QueueName, found.ConcurrencyKey, now), now));
        }
    }

    public Task ReportConsumerAsync(ConsumerReport report, CancellationToken cancellationToken = default)
    {
        lock (state.Gate)
        {
            var now = state.Now();
            var consumer = DispatchRules.ToConsumer(report, now);
            if (!_consumers.ContainsKey(consumer.ConsumerId) && LiveConsumersLocked(now).Count >= DispatchRules.MaxConsumers)
            {
                throw new WorldValidationException($"The World already knows {DispatchRules.MaxConsumers} live consumers.", "consumerId");
            }

            _consumers[consumer.ConsumerId] = consumer;
            return Task.CompletedTask;
        }
    }

    public Task RemoveConsumerAsync(string consumerId, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireName(consumerId, nameof(consumerId));
        lock (state.Gate)
        {
            _consumers.Remove(consumerId);
            return Task.CompletedTask;
        }
    }

    public Task<IReadOnlyList<QueueConsumer>> ListConsumersAsync(CancellationToken cancellationToken = default)
    {
        lock (state.Gate)
        {
            return Task.FromResult<IReadOnlyList<QueueConsumer>>(LiveConsumersLocked(state.Now()));
        }
    }

    public Task SetPolicyAsync(string queueName, QueuePolicy policy, CancellationToken cancellationToken = default)
    {
        FlowRules.ValidatePolicy(queueName, policy);
        lock (state.Gate)
        {
            if (FlowRules.IsUnlimited(policy))
            {
                _policies.Remove(queueName);
            }
            else
            {
                _policies[queueName] = (policy, policy.RateLimit?.Burst ?? 0, state.Now());
            }

            SignalLocked();
            return Task.CompletedTask;
        }
    }

    public Task<QueuePolicy> GetPolicyAsync(string queueName, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireName(queueName, "queueName");
        lock (state.Gate)
        {
            return Task.FromResult(_policies.TryGetValue(queueName, out var flow) ? flow.Policy : QueuePolicy.Unlimited);
        }
    }

    private List<Message> ClaimableLocked(string queue, int requested, DateTimeOffset now)
    {
        var available = _live
            .Where(m => m.LeaseId is null && m.AvailableAt <= now && m.Prepared.QueueName == queue)
            .OrderByDescending(m => m.Prepared.Priority).ThenBy(m => m.AvailableAt).ThenBy(m => m.Prepared.MessageId, StringComparer.Ordinal);
        if (!_policies.TryGetValue(queue, out var flow) || !FlowRules.GatesClaims(flow.Policy))
        {
            return [.. available.Take(requested)];
        }

        var leased = _live.Where(m => m.LeaseId is not null && m.Prepared.QueueName == queue).ToList();
        var byKey = leased.Where(m => m.Prepared.ConcurrencyKey is not null).GroupBy(m => m.Prepared.ConcurrencyKey!).ToDictionary(g => g.Key, g => g.Count());
        return FlowRules.SelectClaimable(flow.Policy, available, m => m.Prepared.ConcurrencyKey, leased.Count, byKey, TokensLocked(queue, now), requested);
    }

    private double TokensLocked(string queue, DateTimeOffset now) =>
        _policies.TryGetValue(queue, out var flow) && flow.Policy.RateLimit is { } rate ? FlowRules.Refill(rate, flow.Tokens, flow.TokensAt, now) : 0;

    private QueueFlowState? FlowStateLocked(string queue, string? key, DateTimeOffset now)
    {
        if (!_policies.TryGetValue(queue, out var flow))
        {
            return null;
        }

        var leased = _live.Where(m => m.LeaseId is not null && m.Prepared.QueueName == queue).ToList();
        return new QueueFlowState(flow.Policy, leased.Count, key is null ? 0 : leased.Count(m => m.Prepared.ConcurrencyKey == key), TokensLocked(queue, now));
    }

    private void AdmitLocked(IReadOnlyList<PreparedMessage> prepared)
    {
        var queue = prepared[0].QueueName;
        if (_policies.TryGetValue(queue, out var flow))
        {
            FlowRules.AdmitEnqueue(queue, flow.Policy, _live.Count(m => m.Prepared.QueueName == queue), FlowRules.NewMessages(prepared, key => HolderOf(queue, key) is not null));
        }
    }

    private List<QueueConsumer> LiveConsumersLocked(DateTimeOffset now) =>
        [.. _consumers.Values.Where(c => DispatchRules.IsLive(c, now)).OrderBy(c => c.ConsumerId, StringComparer.Ordinal)];

    private EnqueueResult EnqueueLocked(PreparedMessage prepared)
    {
        if (prepared.IdempotencyKey is { } key && HolderOf(prepared.QueueName, key) is { } live)
        {
            if (prepared.Coalesce)
            {
                var coalesced = QueueRules.Coalesce(live.LeaseId is not null, live.AvailableAt, prepared.AvailableAt);
                live.AvailableAt = coalesced.AvailableAt;
                live.Rerun |= coalesced.Rerun;
                SignalLocked();
            }

            return new EnqueueResult(live.Prepared.MessageId, Duplicate: true);
        }

        _live.Add(new Message(prepared));
        SignalLocked();
        return new EnqueueResult(prepared.MessageId, Duplicate: false);
    }

    private FailureOutcome RecordFailureLocked(Message message, StructuredError error, DateTimeOffset now, DateTimeOffset retryAt)
    {
        var outcome = QueueRules.DecideFailure(message.Failures, message.Prepared.MaxAttempts);
        message.Failures += QueueRules.FailuresPerFailedDelivery;
        if (outcome == FailureOutcome.DeadLettered)
        {
            _live.Remove(message);
            SignalLocked();
            _dead[message.Prepared.MessageId] = message.ToDeadLetter(error, now);
        }
        else
        {
            UnleaseLocked(message, retryAt);
        }

        return outcome;
    }

    private void UnleaseLocked(Message message, DateTimeOffset availableAt)
    {
        message.LeaseId = null;
        message.Rerun = false;
        message.AvailableAt = availableAt;
        SignalLocked();
    }

    private Message? Leased(QueueLease lease) => _live.Find(m => m.Prepared.MessageId == lease.MessageId && m.LeaseId == lease.LeaseId);

    private Message? HolderOf(string queueName, string key) => _live.Find(m => m.Prepared.QueueName == queueName && m.Prepared.IdempotencyKey == key);

    private void SignalLocked()
    {
        var changed = _changed;
        _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    /// <summary>A live message and its delivery state.</summary>
    private sealed class Message(PreparedMessage prepared)
    {
        public PreparedMessage Prepared { get; } = prepared;

        public DateTimeOffset AvailableAt { get; set; } = prepared.AvailableAt;

        public int Attempt { get; set; }

        public int Failures { get; set; }

        public string? LeaseId { get; set; }

        public DateTimeOffset LeaseExpiresAt { get; set; }

        public string? LeaseOwner { get; set; }

        public bool Rerun { get; set; }

        public QueueMessage ToMessage() => Prepared.ToMessage(Attempt, Failures, new QueueLease(Prepared.MessageId, LeaseId!, LeaseExpiresAt));

        public DeadLetter ToDeadLetter(StructuredError reason, DateTimeOffset now) => Prepared.ToDeadLetter(Attempt, Failures, reason, now);
    }
}
