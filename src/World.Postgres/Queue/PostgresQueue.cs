using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using World.Postgres.Queue;
using World.Postgres.Storage;
using World.Queue;
using World.Backends;

namespace World.Postgres;

/// <summary>
/// The queue on PostgreSQL: a table of live messages claimed with <c>FOR UPDATE SKIP LOCKED</c> in batches sized to
/// the caller's free slots, leases fenced by a per-claim lease id, expired leases reclaimed by the next claim, an
/// idempotency key held by a unique index among live messages, and NOTIFY as a wake-up hint for idle consumers.
/// Times come from the World's <see cref="TimeProvider"/>, not the server clock, like every other timestamp.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "Only the owning PostgresWorld disposes its queue (internal DisposeAsync); disposal is not part of the public API.")]
public sealed partial class PostgresQueue : IWorldQueue
{
    private readonly PostgresContext _context;
    private readonly QueueSql _sql;
    private readonly NotifyDebouncer _notifications;
    private readonly CompletionBatcher _completions;
    private readonly ConcurrentDictionary<string, Task> _signalAtLastClaim = new(StringComparer.Ordinal);

    internal PostgresQueue(PostgresContext context)
    {
        _context = context;
        _sql = new QueueSql(context.Options.Schema);
        _completions = new CompletionBatcher(context.DataSource, _sql.CompleteMany, _sql.RearmMany, Now, Rearmed);
        _notifications = new NotifyDebouncer(context.DataSource, _sql.Notify, context.TimeProvider, context.Options.QueueNotifyWindow, context.Logger);
    }


    /// <inheritdoc />
    public async Task<EnqueueResult> EnqueueAsync(string queueName, ReadOnlyMemory<byte> payload, EnqueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        var prepared = QueueRules.PrepareEnqueue(queueName, payload, options, Now());
        var results = await EnqueueAndNotifyAsync([prepared], cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EnqueueResult>> EnqueueBatchAsync(string queueName, IReadOnlyList<EnqueueRequest> messages, CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        var prepared = QueueRules.PrepareEnqueueBatch(queueName, messages, Now());
        return prepared.Count == 0 ? [] : await EnqueueAndNotifyAsync(prepared, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One round trip and one commit for the whole list (the batch runs in one implicit transaction), and at most
    /// one NOTIFY for it.
    /// </summary>
    private async Task<EnqueueResult[]> EnqueueAndNotifyAsync(IReadOnlyList<PreparedMessage> prepared, CancellationToken cancellationToken)
    {
        var queueName = prepared[0].QueueName;
        try
        {
            var availableNow = prepared.Any(static message => message.AvailableAt <= message.EnqueuedAt);
            var notifyInline = availableNow && _notifications.ShouldNotifyInline(queueName);
            await using var connection = await _context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var results = await EnqueueAsync(connection, transaction: null, prepared, notifyInline, cancellationToken).ConfigureAwait(false);
            if (availableNow)
            {
                _context.Notifications.Signal(_sql.Channel);
                if (!notifyInline && AddsWork(prepared, results))
                {
                    _notifications.AfterCommit(queueName);
                }
            }

            EnqueueTelemetry.RecordEnqueued(queueName, results);
            return results;
        }
        catch (NpgsqlException exception) when (PostgresErrors.Translate(exception, _context.DataSource) is { } typed)
        {
            throw typed;
        }
    }

    /// <summary>
    /// Enqueues inside the caller's transaction: the message exists exactly when the transaction commits, so an
    /// event and the message that continues its run commit together or not at all.
    /// </summary>
    public async Task<EnqueueResult> EnqueueAsync(NpgsqlTransaction transaction, string queueName, ReadOnlyMemory<byte> payload, EnqueueOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        _context.ThrowIfDisposed();
        var prepared = QueueRules.PrepareEnqueue(queueName, payload, options, Now());
        var connection = transaction.Connection ?? throw new InvalidOperationException("The transaction has completed.");
        // The caller commits later: the NOTIFY rides in the transaction and is delivered at its commit.
        var results = await EnqueueAsync(connection, transaction, [prepared], notify: prepared.AvailableAt <= prepared.EnqueuedAt, cancellationToken).ConfigureAwait(false);

        // Counted when the statement succeeds: the caller's transaction may still roll it back.
        EnqueueTelemetry.RecordEnqueued(queueName, results[0]);
        return results[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueMessage>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        QueueRules.ValidateClaim(request);
        var queues = request.QueueNames.Distinct(StringComparer.Ordinal).ToArray();

        try
        {
            await using var connection = await _context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

            // Read once the connection is open, so a slow open (a cold or exhausted pool, a reconnect) does not eat
            // into the lease. The signal is captured before the clock: an enqueue stamped later than this claim's
            // now signals after this point.
            _signalAtLastClaim[QueueRules.QueueSetKey(queues)] = _context.Notifications.NextSignal(_sql.Channel);
            var now = Now();
            var leaseId = Guid.NewGuid().ToString("N");
            var expiresAt = EventRules.Normalize(now + request.LeaseDuration);

            // One round trip, one implicit transaction: find the queues whose policy gates claims, reclaim expired
            // leases, then lease the best available messages of the other queues.
            var claimed = new List<(QueueMessage Message, DateTimeOffset AvailableAt)>();
            var gated = new List<string>();
            await using (var batch = new NpgsqlBatch(connection))
            {
                var gates = new NpgsqlBatchCommand(_sql.FindGates);
                gates.Parameters.Add(DbValues.TextArray(queues));
                batch.BatchCommands.Add(gates);
                var reclaim = new NpgsqlBatchCommand(_sql.Reclaim);
                reclaim.Parameters.Add(DbValues.TextArray(queues));
                reclaim.Parameters.Add(DbValues.Timestamp(now));
                reclaim.Parameters.Add(DbValues.Json(QueueRules.LeaseExpired));
                reclaim.Parameters.Add(DbValues.Integer(QueueRules.FailuresPerFailedDelivery));
                batch.BatchCommands.Add(reclaim);
                var claim = new NpgsqlBatchCommand(queues.Length == 1 ? _sql.ClaimOne : _sql.Claim);
                AddClaimParameters(claim, queues.Length == 1 ? DbValues.Text(queues[0]) : DbValues.TextArray(queues), now, request, leaseId, expiresAt);
                batch.BatchCommands.Add(claim);
                await ReadClaimedAsync(batch, claimed, gated, leaseId, expiresAt, cancellationToken).ConfigureAwait(false);
            }

            // Gated queues: a second transaction that locks their policies, claims within them and spends tokens.
            if (gated.Count > 0 && claimed.Count < request.MaxMessages)
            {
                await using var batch = new NpgsqlBatch(connection);
                var gates = new NpgsqlBatchCommand(_sql.LockGates);
                gates.Parameters.Add(DbValues.TextArray([.. gated]));
                batch.BatchCommands.Add(gates);
                var claim = new NpgsqlBatchCommand(_sql.ClaimGated);
                // ClaimGated counts what the first transaction leased under this lease id against MaxMessages itself.
                AddClaimParameters(claim, DbValues.TextArray([.. gated]), now, request, leaseId, expiresAt);
                batch.BatchCommands.Add(claim);
                var spend = new NpgsqlBatchCommand(_sql.SpendTokens);
                spend.Parameters.Add(DbValues.TextArray([.. gated]));
                spend.Parameters.Add(DbValues.Timestamp(now));
                spend.Parameters.Add(DbValues.Text(leaseId));
                spend.Parameters.Add(DbValues.Timestamp(expiresAt));
                batch.BatchCommands.Add(spend);
                await ReadClaimedAsync(batch, claimed, gated: null, leaseId, expiresAt, cancellationToken).ConfigureAwait(false);
            }

            // UPDATE … RETURNING does not keep the CTE's order: restore delivery order.
            return claimed
                .OrderByDescending(static c => c.Message.Priority)
                .ThenBy(static c => c.AvailableAt)
                .ThenBy(static c => c.Message.MessageId, StringComparer.Ordinal)
                .Select(static c => c.Message)
                .ToArray();
        }
        catch (NpgsqlException exception) when (PostgresErrors.Translate(exception, _context.DataSource) is { } typed)
        {
            throw typed;
        }
    }

    private const int ClaimedColumns = 12;

    /// <summary>
    /// Runs a claim batch: the rows of its claim statements are leased messages; the single-column rows of its gate
    /// statement name gated queues (collected when <paramref name="gated"/> is given).
    /// </summary>
    private static async Task ReadClaimedAsync(
        NpgsqlBatch batch,
        List<(QueueMessage Message, DateTimeOffset AvailableAt)> claimed,
        List<string>? gated,
        string leaseId,
        DateTimeOffset expiresAt,
        CancellationToken cancellationToken)
    {
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        do
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.FieldCount == ClaimedColumns)
                {
                    claimed.Add((ReadClaimed(reader, leaseId, expiresAt), DbValues.ReadTimestamp(reader, 10)));
                }
                else
                {
                    gated?.Add(reader.GetString(0));
                }
            }
        }
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
    }

    private static void AddClaimParameters(NpgsqlBatchCommand command, NpgsqlParameter queues, DateTimeOffset now, ClaimRequest request, string leaseId, DateTimeOffset expiresAt)
    {
        command.Parameters.Add(queues);
        command.Parameters.Add(DbValues.Timestamp(now));
        command.Parameters.Add(DbValues.Integer(request.MaxMessages));
        command.Parameters.Add(DbValues.Text(leaseId));
        command.Parameters.Add(DbValues.Text(request.Owner));
        command.Parameters.Add(DbValues.Timestamp(expiresAt));
    }

    private static QueueMessage ReadClaimed(NpgsqlDataReader reader, string leaseId, DateTimeOffset expiresAt) => new()
    {
        MessageId = reader.GetString(0),
        QueueName = reader.GetString(1),
        Payload = reader.GetFieldValue<byte[]>(2),
        Headers = DbValues.ReadJson<Dictionary<string, string>>(reader, 3) ?? new Dictionary<string, string>(StringComparer.Ordinal),
        Priority = reader.GetInt32(4),
        IdempotencyKey = DbValues.ReadText(reader, 5),
        MaxAttempts = reader.GetInt32(6),
        Attempt = reader.GetInt32(7),
        Failures = reader.GetInt32(8),
        EnqueuedAt = DbValues.ReadTimestamp(reader, 9),
        ConcurrencyKey = DbValues.ReadText(reader, 11),
        Lease = new QueueLease(reader.GetString(0), leaseId, expiresAt),
    };

    /// <inheritdoc />
    public Task<bool> CompleteAsync(QueueLease lease, CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        QueueRules.ValidateLease(lease);
        return _completions.CompleteAsync(lease, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RenewAsync(QueueLease lease, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateRenew(lease, leaseDuration);
        return SettleAsync(_sql.Renew, lease, EventRules.Normalize(Now() + leaseDuration), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(QueueLease lease, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateRelease(lease, delay);
        var now = Now();
        var released = await SettleAsync(_sql.Release, lease, EventRules.Normalize(now + delay), cancellationToken, now).ConfigureAwait(false);
        if (released)
        {
            // Also after a delayed release: a pending rerun (coalesced wake-up) makes the message available at once.
            _context.Notifications.Signal(_sql.Channel);
        }

        return released;
    }

    /// <inheritdoc />
    public async Task<FailureOutcome> FailAsync(QueueLease lease, QueueFailure failure, CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        QueueRules.ValidateFail(lease, failure);
        var now = Now();
        var rows = await _context.QueryAsync(
            _sql.Fail,
            parameters =>
            {
                parameters.Add(DbValues.Text(lease.MessageId));
                parameters.Add(DbValues.Text(lease.LeaseId));
                parameters.Add(DbValues.Json(failure.Error));
                parameters.Add(DbValues.Timestamp(now));
                parameters.Add(DbValues.Timestamp(EventRules.Normalize(now + failure.RetryDelay)));
                parameters.Add(DbValues.Integer(QueueRules.FailuresPerFailedDelivery));
            },
            static reader => (Dead: reader.GetInt32(0), Retried: reader.GetInt32(1)),
            cancellationToken).ConfigureAwait(false);
        var (dead, retried) = rows[0];
        return dead == 1 ? FailureOutcome.DeadLettered : retried == 1 ? FailureOutcome.Retrying : FailureOutcome.LeaseLost;
    }

    /// <inheritdoc />
    public Task WaitForMessagesAsync(IReadOnlyCollection<string> queueNames, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        QueueRules.ValidateWait(queueNames, timeout);
        // A wake-up between the consumer's last claim and this wait ends the wait at once instead of being missed.
        _signalAtLastClaim.TryGetValue(QueueRules.QueueSetKey(queueNames), out var sinceClaim);
        return _context.Notifications.WaitAsync(_sql.Channel, timeout, cancellationToken, sinceClaim);
    }

    /// <inheritdoc />
    public Task<Page<DeadLetter>> ListDeadLettersAsync(DeadLetterQuery? query = null, CancellationToken cancellationToken = default)
    {
        (query, var page) = ReadRules.ValidateDeadLetterQuery(query);
        return KeysetPage.ReadAsync(
            _context,
            _sql.ListDeadLetters + (query.QueueName is null ? "true" : "queue_name = $1"),
            "message_id",
            parameters =>
            {
                if (query.QueueName is not null)
                {
                    parameters.Add(DbValues.Text(query.QueueName));
                }
            },
            page,
            CursorListing.DeadLetters,
            query.QueueName ?? PageCursor.Unscoped,
            static reader => (ReadDeadLetter(reader), reader.GetString(0)),
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DeadLetter> GetDeadLetterAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ReadRules.ValidateDeadLetterId(messageId);
        return await _context.QuerySingleAsync(_sql.GetDeadLetter, parameters => parameters.Add(DbValues.Text(messageId)), ReadDeadLetter, cancellationToken).ConfigureAwait(false)
            ?? throw new EntityNotFoundException(EntityKind.DeadLetter, messageId);
    }

    /// <inheritdoc />
    public async Task ReplayDeadLetterAsync(string messageId, CancellationToken cancellationToken = default)
    {
        ReadRules.ValidateDeadLetterId(messageId);
        List<string> replayed;
        try
        {
            replayed = await _context.QueryAsync(
                _sql.Replay,
                parameters =>
                {
                    parameters.Add(DbValues.Text(messageId));
                    parameters.Add(DbValues.Timestamp(Now()));
                },
                static reader => reader.GetString(0),
                cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new EntityConflictException($"A live message holds the idempotency key of dead letter '{messageId}'; replay it after that message settles.");
        }

        if (replayed.Count == 0)
        {
            throw new EntityNotFoundException(EntityKind.DeadLetter, messageId);
        }

        _context.Notifications.Signal(_sql.Channel);
    }

    /// <inheritdoc />
    public async Task<int> PurgeDeadLettersAsync(string? queueName = null, IReadOnlyCollection<string>? messageIds = null, CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        ReadRules.ValidatePurge(queueName, messageIds);
        return await _context.ExecuteNonQueryAsync(
            _sql.Purge,
            parameters =>
            {
                parameters.Add(DbValues.Text(queueName));
                parameters.Add(DbValues.TextArray(messageIds?.ToArray()));
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the completion flusher after the pending completions are written; only the World disposes its queue.</summary>
    internal ValueTask DisposeAsync() => _completions.DisposeAsync();

    /// <summary>Whether an available-now message was added or pulled forward, so consumers elsewhere should hear of it.</summary>
    private static bool AddsWork(IReadOnlyList<PreparedMessage> prepared, EnqueueResult[] results)
    {
        for (var i = 0; i < results.Length; i++)
        {
            if (prepared[i].AvailableAt <= prepared[i].EnqueuedAt && (!results[i].Duplicate || prepared[i].Coalesce))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<EnqueueResult[]> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<PreparedMessage> prepared, bool notify, CancellationToken cancellationToken)
    {
        // Unkeyed messages need no conflict handling: they go in one multi-row INSERT. Keyed messages take one
        // statement each, so a key repeated within the list behaves as sequential enqueues would (one multi-row
        // INSERT … ON CONFLICT DO UPDATE cannot touch the same row twice), in key-hash order (list order within a
        // key): two batches sharing keys then lock their rows in the same order instead of deadlocking. Delivery
        // order is unaffected; it follows the ascending message ids.
        var keyed = new List<(int Index, byte[] Hash)>();
        var unkeyed = new List<int>();
        for (var i = 0; i < prepared.Count; i++)
        {
            if (prepared[i].IdempotencyKey is { } key)
            {
                keyed.Add((i, IdempotencyHash(prepared[i].QueueName, key)));
            }
            else
            {
                unkeyed.Add(i);
            }
        }

        keyed.Sort(static (x, y) => x.Hash.AsSpan().SequenceCompareTo(y.Hash) is var order and not 0 ? order : x.Index.CompareTo(y.Index));

        await using var batch = new NpgsqlBatch(connection, transaction);
        if (unkeyed.Count == 1)
        {
            batch.BatchCommands.Add(EnqueueCommand(prepared[unkeyed[0]], hash: null));
        }
        else if (unkeyed.Count > 1)
        {
            batch.BatchCommands.Add(EnqueueManyCommand(prepared, unkeyed));
        }

        foreach (var (index, hash) in keyed)
        {
            batch.BatchCommands.Add(EnqueueCommand(prepared[index], hash));
        }

        // The backlog limit is checked after the rows are written, in the same transaction: a refusal rolls all back.
        var admit = new NpgsqlBatchCommand(_sql.Admit);
        admit.Parameters.Add(DbValues.Text(prepared[0].QueueName));
        admit.Parameters.Add(DbValues.TextArray([.. prepared.Select(static message => message.MessageId)]));
        batch.BatchCommands.Add(admit);

        if (notify)
        {
            // Wake idle consumers in other processes. Delivered at commit; delayed messages are found by polling.
            var queueName = prepared[0].QueueName;
            var wakeUp = new NpgsqlBatchCommand(_sql.Notify);
            wakeUp.Parameters.Add(DbValues.Text(queueName.Length <= 1000 ? queueName : ""));
            batch.BatchCommands.Add(wakeUp);
        }

        var results = new EnqueueResult[prepared.Count];
        foreach (var index in unkeyed)
        {
            results[index] = new EnqueueResult(prepared[index].MessageId, Duplicate: false);
        }

        try
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (unkeyed.Count == 1)
            {
                // Its ids are known already. (The multi-row INSERT of several has no RETURNING, so it yields no result
                // set and the reader already stands on the first keyed statement's.)
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var (index, _) in keyed)
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                results[index] = new EnqueueResult(reader.GetString(0), Duplicate: reader.GetBoolean(1));
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }

            // Through the admission check, which raises when the queue is full.
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
            }
        }
        catch (PostgresException exception) when (exception.SqlState == QueueSql.QueueFullState)
        {
            throw new QueueFullException(
                prepared[0].QueueName,
                long.Parse(exception.Detail ?? "0", System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(exception.Hint ?? "0", System.Globalization.CultureInfo.InvariantCulture));
        }

        return results;
    }

    private NpgsqlBatchCommand EnqueueCommand(PreparedMessage message, byte[]? hash)
    {
        var insert = new NpgsqlBatchCommand(_sql.Enqueue);
        insert.Parameters.Add(DbValues.Text(message.MessageId));
        insert.Parameters.Add(DbValues.Text(message.QueueName));
        insert.Parameters.Add(DbValues.Bytea(message.Payload));
        insert.Parameters.Add(DbValues.Json(message.Headers.Count == 0 ? null : message.Headers));
        insert.Parameters.Add(DbValues.Integer(message.Priority));
        insert.Parameters.Add(DbValues.Text(message.IdempotencyKey));
        insert.Parameters.Add(DbValues.Bytea(hash));
        insert.Parameters.Add(DbValues.Integer(message.MaxAttempts));
        insert.Parameters.Add(DbValues.Timestamp(message.EnqueuedAt));
        insert.Parameters.Add(DbValues.Timestamp(message.AvailableAt));
        insert.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = message.Coalesce });
        insert.Parameters.Add(DbValues.Text(message.ConcurrencyKey));
        return insert;
    }

    private NpgsqlBatchCommand EnqueueManyCommand(IReadOnlyList<PreparedMessage> prepared, List<int> indexes)
    {
        var ids = new string[indexes.Count];
        var payloads = new byte[indexes.Count][];
        var headers = new byte[]?[indexes.Count];
        var priorities = new int[indexes.Count];
        var maxAttempts = new int[indexes.Count];
        var availableAt = new DateTimeOffset[indexes.Count];
        var concurrencyKeys = new string?[indexes.Count];
        for (var j = 0; j < indexes.Count; j++)
        {
            var message = prepared[indexes[j]];
            ids[j] = message.MessageId;
            payloads[j] = message.Payload.ToArray();
            headers[j] = DbValues.JsonBytes(message.Headers.Count == 0 ? null : message.Headers);
            priorities[j] = message.Priority;
            maxAttempts[j] = message.MaxAttempts;
            availableAt[j] = message.AvailableAt;
            concurrencyKeys[j] = message.ConcurrencyKey;
        }

        var insert = new NpgsqlBatchCommand(_sql.EnqueueMany);
        insert.Parameters.Add(DbValues.TextArray(ids));
        insert.Parameters.Add(DbValues.Text(prepared[indexes[0]].QueueName));
        insert.Parameters.Add(DbValues.ByteaArray(payloads));
        insert.Parameters.Add(DbValues.ByteaArray(headers));
        insert.Parameters.Add(DbValues.IntegerArray(priorities));
        insert.Parameters.Add(DbValues.IntegerArray(maxAttempts));
        insert.Parameters.Add(DbValues.Timestamp(prepared[indexes[0]].EnqueuedAt));
        insert.Parameters.Add(DbValues.TimestampArray(availableAt));
        insert.Parameters.Add(DbValues.TextArrayWithNulls(concurrencyKeys));
        return insert;
    }

    /// <summary>A fenced single-row settlement; the caller has validated its arguments.</summary>
    private async Task<bool> SettleAsync(string sql, QueueLease lease, DateTimeOffset time, CancellationToken cancellationToken, DateTimeOffset? now = null)
    {
        var affected = await _context.ExecuteNonQueryAsync(
            sql,
            parameters =>
            {
                parameters.Add(DbValues.Text(lease.MessageId));
                parameters.Add(DbValues.Text(lease.LeaseId));
                parameters.Add(DbValues.Timestamp(time));
                if (now is { } current)
                {
                    parameters.Add(DbValues.Timestamp(current));
                }
            },
            cancellationToken).ConfigureAwait(false);
        return affected == 1;
    }

    private void Rearmed(string queueName)
    {
        _context.Notifications.Signal(_sql.Channel);
        _notifications.AfterCommit(queueName);
    }

    private static DeadLetter ReadDeadLetter(NpgsqlDataReader reader) => new()
    {
        MessageId = reader.GetString(0),
        QueueName = reader.GetString(1),
        Payload = DbValues.ReadBytes(reader, 2),
        Headers = DbValues.ReadJson<Dictionary<string, string>>(reader, 3) ?? new Dictionary<string, string>(StringComparer.Ordinal),
        Priority = reader.GetInt32(4),
        IdempotencyKey = DbValues.ReadText(reader, 5),
        MaxAttempts = reader.GetInt32(6),
        Attempts = reader.GetInt32(7),
        Failures = reader.GetInt32(8),
        Reason = DbValues.ReadJson<StructuredError>(reader, 9) ?? throw new InvalidDataException("A dead letter holds no reason."),
        EnqueuedAt = DbValues.ReadTimestamp(reader, 10),
        DeadLetteredAt = DbValues.ReadTimestamp(reader, 11),
        ConcurrencyKey = DbValues.ReadText(reader, 12),
    };

    private static byte[] IdempotencyHash(string queueName, string key) => SHA256.HashData(Encoding.UTF8.GetBytes(queueName + "\0" + key));

    private DateTimeOffset Now() => EventRules.Now(_context.TimeProvider);
}
