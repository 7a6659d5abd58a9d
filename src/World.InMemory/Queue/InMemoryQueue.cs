using System.Collections.Concurrent;
using World.InMemory.Storage;
using World.Queue;
using World.Backends;

namespace World.InMemory.Queue;

/// <summary>
/// A real queue in memory: priority and delay ordering, leases timed by the injected clock, fenced settlement,
/// idempotency keys, dead letters. One lock guards it; every operation is a few sorted-set steps.
/// </summary>
internal sealed partial class InMemoryQueue(InMemoryState state) : IWorldQueue
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, QueueEntry> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<QueueEntry>> _ready = new(StringComparer.Ordinal);
    private readonly SortedSet<QueueEntry> _leased = new(QueueEntry.ExpiryOrder);
    private readonly Dictionary<(string Queue, string Key), string> _idempotency = [];
    private readonly SortedList<string, DeadLetter> _deadLetters = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = NewSignal();

    // The change signal as it was when a claim of these queues began: a change between that claim and the wait that
    // follows it ends the wait at once instead of being missed.
    private readonly ConcurrentDictionary<string, Task> _signalAtLastClaim = new(StringComparer.Ordinal);

    public Task<EnqueueResult> EnqueueAsync(string queueName, ReadOnlyMemory<byte> payload, EnqueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        var prepared = QueueRules.PrepareEnqueue(queueName, payload, options, Now());
        EnqueueResult result;
        lock (_gate)
        {
            AdmitLocked([prepared]);
            result = EnqueueLocked(prepared);
        }

        EnqueueTelemetry.RecordEnqueued(prepared.QueueName, result);
        return Task.FromResult(result);
    }

    public Task<IReadOnlyList<EnqueueResult>> EnqueueBatchAsync(string queueName, IReadOnlyList<EnqueueRequest> messages, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        var prepared = QueueRules.PrepareEnqueueBatch(queueName, messages, Now());
        var results = new EnqueueResult[prepared.Count];
        lock (_gate)
        {
            // Under one lock hold: no claim sees part of the batch, and a refused batch wrote nothing.
            if (prepared.Count > 0)
            {
                AdmitLocked(prepared);
            }

            for (var i = 0; i < prepared.Count; i++)
            {
                results[i] = EnqueueLocked(prepared[i]);
            }
        }

        EnqueueTelemetry.RecordEnqueued(queueName, results);
        return Task.FromResult<IReadOnlyList<EnqueueResult>>(results);
    }

    private EnqueueResult EnqueueLocked(PreparedMessage prepared)
    {
        var queueName = prepared.QueueName;
        if (prepared.IdempotencyKey is { } key && _idempotency.TryGetValue((queueName, key), out var existing))
        {
            if (prepared.Coalesce)
            {
                CoalesceLocked(_messages[existing], prepared.AvailableAt);
            }

            return new EnqueueResult(existing, Duplicate: true);
        }

        var entry = new QueueEntry(prepared);
        _messages.Add(entry.MessageId, entry);
        if (prepared.IdempotencyKey is { } newKey)
        {
            _idempotency.Add((queueName, newKey), entry.MessageId);
        }

        Ready(entry);
        SignalLocked();
        return new EnqueueResult(entry.MessageId, Duplicate: false);
    }

    public Task<IReadOnlyList<QueueMessage>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        QueueRules.ValidateClaim(request);
        var leaseId = Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            // The clock is read under the lock: a message whose enqueue holds the lock before this claim then has
            // an availability no later than this claim's now, so it cannot be skipped after its signal was consumed.
            _signalAtLastClaim[QueueRules.QueueSetKey(request.QueueNames)] = _changed.Task;
            var now = Now();
            ReclaimExpiredLocked(now, request.QueueNames);
            var candidates = new List<QueueEntry>();
            foreach (var queueName in request.QueueNames.Distinct(StringComparer.Ordinal))
            {
                if (_ready.TryGetValue(queueName, out var ready))
                {
                    candidates.AddRange(ClaimableLocked(queueName, ready.Where(entry => entry.AvailableAt <= now), request.MaxMessages, now));
                }
            }

            candidates.Sort(QueueEntry.ReadyOrder);
            var claimed = new List<QueueMessage>(Math.Min(request.MaxMessages, candidates.Count));
            foreach (var entry in candidates.Take(request.MaxMessages))
            {
                _ready[entry.Message.QueueName].Remove(entry);
                entry.LeaseId = leaseId;
                entry.LeaseOwner = request.Owner;
                entry.LeaseExpiresAt = EventRules.Normalize(now + request.LeaseDuration);
                entry.Attempt++;
                _leased.Add(entry);
                claimed.Add(entry.ToMessage());
            }

            SpendTokensLocked(candidates.Take(request.MaxMessages), now);

            return Task.FromResult<IReadOnlyList<QueueMessage>>(claimed);
        }
    }

    public Task<bool> CompleteAsync(QueueLease lease, CancellationToken cancellationToken = default) =>
        Settle(
            lease,
            static lease => QueueRules.ValidateLease(lease),
            (entry, now) =>
            {
                if (QueueRules.IsDoneOnCompletion(entry.Rerun))
                {
                    Remove(entry);
                }
                else
                {
                    Unlease(entry, now);
                }

                return true;
            },
            cancellationToken);

    public Task<bool> RenewAsync(QueueLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        return Settle(
            lease,
            lease => QueueRules.ValidateRenew(lease, leaseDuration),
            (entry, now) =>
            {
                _leased.Remove(entry);
                entry.LeaseExpiresAt = EventRules.Normalize(now + leaseDuration);
                _leased.Add(entry);
                return true;
            },
            cancellationToken);
    }

    public Task<bool> ReleaseAsync(QueueLease lease, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        return Settle(
            lease,
            lease => QueueRules.ValidateRelease(lease, delay),
            (entry, now) =>
            {
                Unlease(entry, QueueRules.AvailableAfterRelease(entry.Rerun, now, EventRules.Normalize(now + delay)));
                return true;
            },
            cancellationToken);
    }

    public async Task<FailureOutcome> FailAsync(QueueLease lease, QueueFailure failure, CancellationToken cancellationToken = default)
    {
        var outcome = FailureOutcome.LeaseLost;
        await Settle(
            lease,
            lease => QueueRules.ValidateFail(lease, failure),
            (entry, now) =>
            {
                outcome = RecordFailureLocked(entry, failure.Error, now, EventRules.Normalize(now + failure.RetryDelay));
                return true;
            },
            cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    public async Task WaitForMessagesAsync(IReadOnlyCollection<string> queueNames, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        state.ThrowIfDisposed();
        QueueRules.ValidateWait(queueNames, timeout);
        Task changed;
        lock (_gate)
        {
            changed = _signalAtLastClaim.TryGetValue(QueueRules.QueueSetKey(queueNames), out var sinceClaim) ? sinceClaim : _changed.Task;
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(changed, Task.Delay(timeout, state.TimeProvider, wake.Token)).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    public Task<Page<DeadLetter>> ListDeadLettersAsync(DeadLetterQuery? query = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        (query, var page) = ReadRules.ValidateDeadLetterQuery(query);
        lock (_gate)
        {
            var source = _deadLetters.Values.Where(letter => query.QueueName is null || letter.QueueName == query.QueueName).ToList();
            return Task.FromResult(ListPaging.Paginate(
                source,
                static letter => letter.MessageId,
                page,
                CursorListing.DeadLetters,
                query.QueueName ?? PageCursor.Unscoped,
                static letter => letter with { Payload = null }));
        }
    }

    public Task<DeadLetter> GetDeadLetterAsync(string messageId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        ReadRules.ValidateDeadLetterId(messageId);
        lock (_gate)
        {
            return _deadLetters.TryGetValue(messageId, out var letter)
                ? Task.FromResult(letter)
                : throw new EntityNotFoundException(EntityKind.DeadLetter, messageId);
        }
    }

    public Task ReplayDeadLetterAsync(string messageId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        ReadRules.ValidateDeadLetterId(messageId);
        var now = Now();
        lock (_gate)
        {
            if (!_deadLetters.TryGetValue(messageId, out var letter))
            {
                throw new EntityNotFoundException(EntityKind.DeadLetter, messageId);
            }

            if (letter.IdempotencyKey is { } key && _idempotency.ContainsKey((letter.QueueName, key)))
            {
                throw new EntityConflictException($"A live message of queue '{letter.QueueName}' holds idempotency key '{key}'; replay it after that message settles.");
            }

            var entry = new QueueEntry(QueueRules.PrepareReplay(letter, now));
            _deadLetters.Remove(messageId);
            _messages.Add(entry.MessageId, entry);
            if (letter.IdempotencyKey is { } newKey)
            {
                _idempotency.Add((letter.QueueName, newKey), entry.MessageId);
            }

            Ready(entry);
            SignalLocked();
            return Task.CompletedTask;
        }
    }

    public Task<int> PurgeDeadLettersAsync(string? queueName = null, IReadOnlyCollection<string>? messageIds = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        ReadRules.ValidatePurge(queueName, messageIds);
        lock (_gate)
        {
            var doomed = _deadLetters.Values
                .Where(letter => (queueName is null || letter.QueueName == queueName) && (messageIds is null || messageIds.Contains(letter.MessageId)))
                .Select(letter => letter.MessageId)
                .ToList();
            foreach (var id in doomed)
            {
                _deadLetters.Remove(id);
            }

            return Task.FromResult(doomed.Count);
        }
    }

    private Task<bool> Settle(QueueLease lease, Action<QueueLease> validate, Func<QueueEntry, DateTimeOffset, bool> apply, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        state.ThrowIfDisposed();
        validate(lease);
        var now = Now();
        lock (_gate)
        {
            // Fenced: only the holder of the current lease may settle. A reclaimed message has a new lease (or none).
            return Task.FromResult(
                _messages.TryGetValue(lease.MessageId, out var entry) && entry.LeaseId == lease.LeaseId && apply(entry, now));
        }
    }

    /// <summary>
    /// Reclaims every expired lease of the claimed queues, however many there are; leases of other queues wait for a
    /// claim on their own queue, as on every backend (until then their holder may still settle them).
    /// </summary>
    private void ReclaimExpiredLocked(DateTimeOffset now, IReadOnlyCollection<string> queueNames)
    {
        var expired = _leased
            .TakeWhile(entry => entry.LeaseExpiresAt <= now)
            .Where(entry => queueNames.Contains(entry.Message.QueueName, StringComparer.Ordinal))
            .ToList();
        foreach (var entry in expired)
        {
            RecordFailureLocked(entry, QueueRules.LeaseExpired, now, now);
        }
    }

    private FailureOutcome RecordFailureLocked(QueueEntry entry, StructuredError error, DateTimeOffset now, DateTimeOffset retryAt)
    {
        var outcome = QueueRules.DecideFailure(entry.Failures, entry.Message.MaxAttempts);
        entry.Failures += QueueRules.FailuresPerFailedDelivery;
        entry.LastError = error;
        if (outcome == FailureOutcome.DeadLettered)
        {
            Remove(entry);
            _deadLetters.Add(entry.MessageId, entry.ToDeadLetter(error, now));
            return FailureOutcome.DeadLettered;
        }

        Unlease(entry, retryAt);
        return FailureOutcome.Retrying;
    }

    private void CoalesceLocked(QueueEntry entry, DateTimeOffset availableAt)
    {
        var leased = entry.LeaseId is not null;
        var coalesced = QueueRules.Coalesce(leased, entry.AvailableAt, availableAt);
        if (leased)
        {
            entry.Rerun = coalesced.Rerun;
        }
        else if (coalesced.AvailableAt != entry.AvailableAt)
        {
            // Re-sort: availability is part of the ready order.
            _ready[entry.Message.QueueName].Remove(entry);
            entry.AvailableAt = coalesced.AvailableAt;
            Ready(entry);
            SignalLocked();
        }
    }

    private void Unlease(QueueEntry entry, DateTimeOffset availableAt)
    {
        _leased.Remove(entry);
        entry.Rerun = false;
        entry.LeaseId = null;
        entry.LeaseOwner = null;
        entry.AvailableAt = availableAt;
        Ready(entry);
        SignalLocked();
    }

    private void Ready(QueueEntry entry)
    {
        if (!_ready.TryGetValue(entry.Message.QueueName, out var ready))
        {
            ready = new SortedSet<QueueEntry>(QueueEntry.ReadyOrder);
            _ready.Add(entry.Message.QueueName, ready);
        }

        ready.Add(entry);
    }

    private void Remove(QueueEntry entry)
    {
        if (_leased.Remove(entry) && FreesSlotLocked(entry.Message.QueueName))
        {
            SignalLocked();
        }

        if (_ready.TryGetValue(entry.Message.QueueName, out var ready))
        {
            ready.Remove(entry);
        }

        _messages.Remove(entry.MessageId);
        if (entry.Message.IdempotencyKey is { } key)
        {
            _idempotency.Remove((entry.Message.QueueName, key));
        }
    }

    private void SignalLocked()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private DateTimeOffset Now() => EventRules.Now(state.TimeProvider);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
