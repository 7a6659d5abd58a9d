using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using World.Postgres.Queue;
using World.Postgres.Storage;
using World.Queue;
using World.Rules;

namespace World.Postgres;

/// <summary>
/// The queue on PostgreSQL: a table of live messages claimed with <c>FOR UPDATE SKIP LOCKED</c> in batches sized to
/// the caller's free slots, leases fenced by a per-claim lease id, expired leases reclaimed by the next claim, an
/// idempotency key held by a unique index among live messages, and NOTIFY as a wake-up hint for idle consumers.
/// Times come from the World's <see cref="TimeProvider"/>, not the server clock, like every other timestamp.
/// </summary>
public sealed class PostgresQueue : IWorldQueue, IAsyncDisposable
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
        try
        {
            var availableNow = prepared.AvailableAt <= prepared.EnqueuedAt;
            var notifyInline = availableNow && _notifications.ShouldNotifyInline(queueName);
            await using var connection = await _context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var result = await EnqueueAsync(connection, transaction: null, prepared, notifyInline, cancellationToken).ConfigureAwait(false);
            if (availableNow)
            {
                _context.Notifications.Signal(_sql.Channel);
                if (!notifyInline && (!result.Duplicate || prepared.Coalesce))
                {
                    _notifications.AfterCommit(queueName);
                }
            }

            return result;
        }
        catch (NpgsqlException exception) when (PostgresErrors.IsTransient(exception))
        {
            throw PostgresErrors.Transient(exception);
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
        return await EnqueueAsync(connection, transaction, prepared, notify: prepared.AvailableAt <= prepared.EnqueuedAt, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueMessage>> ClaimAsync(ClaimRequest request, CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        QueueRules.ValidateClaim(request);
        var queues = request.QueueNames.Distinct(StringComparer.Ordinal).ToArray();

        // Captured before the clock is read: an enqueue stamped later than this claim's now signals after this point.
        _signalAtLastClaim[QueueRules.QueueSetKey(queues)] = _context.Notifications.NextSignal(_sql.Channel);
        var now = Now();
        var leaseId = Guid.NewGuid().ToString("N");
        var expiresAt = EventRules.Normalize(now + request.LeaseDuration);
        try
        {
            await using var connection = await _context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

            // One round trip, one implicit transaction: reclaim expired leases, then lease the best available messages.
            await using var batch = new NpgsqlBatch(connection);
            var reclaim = new NpgsqlBatchCommand(_sql.Reclaim);
            reclaim.Parameters.Add(DbValues.TextArray(queues));
            reclaim.Parameters.Add(DbValues.Timestamp(now));
            reclaim.Parameters.Add(DbValues.Json(QueueRules.LeaseExpired));
            batch.BatchCommands.Add(reclaim);
            var claim = new NpgsqlBatchCommand(_sql.Claim);
            claim.Parameters.Add(DbValues.TextArray(queues));
            claim.Parameters.Add(DbValues.Timestamp(now));
            claim.Parameters.Add(DbValues.Integer(request.MaxMessages));
            claim.Parameters.Add(DbValues.Text(leaseId));
            claim.Parameters.Add(DbValues.Text(request.Owner));
            claim.Parameters.Add(DbValues.Timestamp(expiresAt));
            batch.BatchCommands.Add(claim);

            var claimed = new List<(QueueMessage Message, DateTimeOffset AvailableAt)>();
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var message = new QueueMessage
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
                        Lease = new QueueLease(reader.GetString(0), leaseId, expiresAt),
                    };
                    claimed.Add((message, DbValues.ReadTimestamp(reader, 10)));
                }
            }

            // UPDATE … RETURNING does not keep the CTE's order: restore delivery order.
            return claimed
                .OrderByDescending(static c => c.Message.Priority)
                .ThenBy(static c => c.AvailableAt)
                .ThenBy(static c => c.Message.MessageId, StringComparer.Ordinal)
                .Select(static c => c.Message)
                .ToArray();
        }
        catch (NpgsqlException exception) when (PostgresErrors.IsTransient(exception))
        {
            throw PostgresErrors.Transient(exception);
        }
    }

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
        QueueRules.RequirePositive(leaseDuration, nameof(leaseDuration));
        return SettleAsync(_sql.Renew, lease, EventRules.Normalize(Now() + leaseDuration), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(QueueLease lease, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        QueueRules.RequireDelay(delay, nameof(delay));
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
        QueueRules.ValidateLease(lease);
        if (failure?.Error?.Message is null)
        {
            throw new WorldValidationException("A failure with an error message is required.", nameof(failure));
        }

        QueueRules.RequireDelay(failure.RetryDelay, "retryDelay");
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
        QueueRules.RequireDelay(timeout, nameof(timeout));
        // A wake-up between the consumer's last claim and this wait ends the wait at once instead of being missed.
        _signalAtLastClaim.TryGetValue(QueueRules.QueueSetKey(queueNames), out var sinceClaim);
        return _context.Notifications.WaitAsync(_sql.Channel, timeout, cancellationToken, sinceClaim);
    }

    /// <inheritdoc />
    public Task<Page<DeadLetter>> ListDeadLettersAsync(DeadLetterQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new DeadLetterQuery();
        if (query.QueueName is not null)
        {
            IdValidation.RequireName(query.QueueName, "queueName");
        }

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
            query.Page,
            DeadLetterQuery.DefaultLimit,
            SortOrder.Ascending,
            static reader => (ReadDeadLetter(reader), reader.GetString(0)),
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<DeadLetter> GetDeadLetterAsync(string messageId, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireSafeId(messageId, nameof(messageId));
        return await _context.QuerySingleAsync(_sql.GetDeadLetter, parameters => parameters.Add(DbValues.Text(messageId)), ReadDeadLetter, cancellationToken).ConfigureAwait(false)
            ?? throw new EntityNotFoundException(EntityKind.DeadLetter, messageId);
    }

    /// <inheritdoc />
    public async Task ReplayDeadLetterAsync(string messageId, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireSafeId(messageId, nameof(messageId));
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
        if (queueName is not null)
        {
            IdValidation.RequireName(queueName, nameof(queueName));
        }

        return await _context.ExecuteNonQueryAsync(
            _sql.Purge,
            parameters =>
            {
                parameters.Add(DbValues.Text(queueName));
                parameters.Add(DbValues.TextArray(messageIds?.ToArray()));
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the completion flusher after the pending completions are written.</summary>
    public ValueTask DisposeAsync() => _completions.DisposeAsync();

    private async Task<EnqueueResult> EnqueueAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, PreparedMessage prepared, bool notify, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var insert = new NpgsqlBatchCommand(_sql.Enqueue);
        insert.Parameters.Add(DbValues.Text(prepared.MessageId));
        insert.Parameters.Add(DbValues.Text(prepared.QueueName));
        insert.Parameters.Add(DbValues.Bytea(prepared.Payload));
        insert.Parameters.Add(DbValues.Json(prepared.Headers.Count == 0 ? null : prepared.Headers));
        insert.Parameters.Add(DbValues.Integer(prepared.Priority));
        insert.Parameters.Add(DbValues.Text(prepared.IdempotencyKey));
        insert.Parameters.Add(DbValues.Bytea(prepared.IdempotencyKey is null ? null : IdempotencyHash(prepared.QueueName, prepared.IdempotencyKey)));
        insert.Parameters.Add(DbValues.Integer(prepared.MaxAttempts));
        insert.Parameters.Add(DbValues.Timestamp(prepared.EnqueuedAt));
        insert.Parameters.Add(DbValues.Timestamp(prepared.AvailableAt));
        insert.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = prepared.Coalesce });
        batch.BatchCommands.Add(insert);
        if (notify)
        {
            // Wake idle consumers in other processes. Delivered at commit; delayed messages are found by polling.
            var wakeUp = new NpgsqlBatchCommand(_sql.Notify);
            wakeUp.Parameters.Add(DbValues.Text(prepared.QueueName.Length <= 1000 ? prepared.QueueName : ""));
            batch.BatchCommands.Add(wakeUp);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new EnqueueResult(reader.GetString(0), Duplicate: reader.GetBoolean(1));
    }

    private async Task<bool> SettleAsync(string sql, QueueLease lease, DateTimeOffset time, CancellationToken cancellationToken, DateTimeOffset? now = null)
    {
        QueueRules.ValidateLease(lease);
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
    };

    private static byte[] IdempotencyHash(string queueName, string key) => SHA256.HashData(Encoding.UTF8.GetBytes(queueName + "\0" + key));

    private DateTimeOffset Now() => EventRules.Now(_context.TimeProvider);
}
