using World.Queue;
using World.Rules;

namespace World.Naive.Tests;

/// <summary>
/// The naive queue: a list of live messages and a dictionary of dead letters under the World's one lock. Every
/// decision (validation, dead-lettering, coalescing, rerun) is <see cref="QueueRules"/>'s; this class only stores.
/// </summary>
internal sealed class NaiveQueue(NaiveState state) : IWorldQueue
{
    private readonly List<Message> _live = [];
    private readonly Dictionary<string, DeadLetter> _dead = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _signalAtLastClaim = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<EnqueueResult> EnqueueAsync(string queueName, ReadOnlyMemory<byte> payload, EnqueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        var prepared = QueueRules.PrepareEnqueue(queueName, payload, options, state.Now());
        lock (state.Gate)
        {
            return Task.FromResult(EnqueueLocked(prepared));
        }
    }

    public Task<IReadOnlyList<EnqueueResult>> EnqueueBatchAsync(string queueName, IReadOnlyList<EnqueueRequest> messages, CancellationToken cancellationToken = default)
    {
        var prepared = QueueRules.PrepareEnqueueBatch(queueName, messages, state.Now());
        lock (state.Gate)
        {
            return Task.FromResult<IReadOnlyList<EnqueueResult>>([.. prepared.Select(EnqueueLocked)]);
        }
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
            var claimed = _live
                .Where(m => m.LeaseId is null && m.AvailableAt <= now && request.QueueNames.Contains(m.Prepared.QueueName))
                .OrderByDescending(m => m.Prepared.Priority).ThenBy(m => m.AvailableAt).ThenBy(m => m.Prepared.MessageId, StringComparer.Ordinal)
                .Take(request.MaxMessages)
                .ToList();
            foreach (var message in claimed)
            {
                message.LeaseId = leaseId;
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

        public bool Rerun { get; set; }

        public QueueMessage ToMessage() => Prepared.ToMessage(Attempt, Failures, new QueueLease(Prepared.MessageId, LeaseId!, LeaseExpiresAt));

        public DeadLetter ToDeadLetter(StructuredError reason, DateTimeOffset now) => Prepared.ToDeadLetter(Attempt, Failures, reason, now);
    }
}
