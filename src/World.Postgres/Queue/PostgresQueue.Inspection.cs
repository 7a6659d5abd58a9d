using Npgsql;
using World.Postgres.Queue;
using World.Postgres.Storage;
using World.Queue;
using World.Backends;

namespace World.Postgres;

// Backlog counts, dispatch explanations and consumer presence: read with one statement each, decided by DispatchRules.
public sealed partial class PostgresQueue
{
    private QueueInspectionSql? _inspectionSql;

    private QueueInspectionSql InspectionSql => _inspectionSql ??= new QueueInspectionSql(_context.Options.Schema);

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueStats>> GetStatsAsync(IReadOnlyCollection<string>? queueNames = null, CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        var names = DispatchRules.ValidateQueueNames(queueNames, "queueNames", allowEmpty: true);
        var now = Now();
        var rows = await _context.QueryAsync(
            InspectionSql.Stats,
            parameters =>
            {
                parameters.Add(DbValues.Timestamp(now));
                parameters.Add(DbValues.TextArray(names?.ToArray()));
            },
            static reader => new QueueCounts(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.GetInt64(5),
                DbValues.ReadNullableTimestamp(reader, 6)),
            cancellationToken).ConfigureAwait(false);

        // The live table and the dead letters come back as separate rows of one queue: add them up.
        var counts = rows
            .GroupBy(row => row.QueueName, StringComparer.Ordinal)
            .Select(group => group.Aggregate(static (a, b) => new QueueCounts(
                a.QueueName,
                a.Ready + b.Ready,
                a.Delayed + b.Delayed,
                a.Running + b.Running,
                a.LeaseExpired + b.LeaseExpired,
                a.DeadLettered + b.DeadLettered,
                a.OldestReadyAt ?? b.OldestReadyAt)))
            .ToList();
        var consumers = await ListConsumersAsync(now, cancellationToken).ConfigureAwait(false);

        // Only a queue with ready messages needs its policy read, to tell whether the policy holds them all back.
        var flows = new Dictionary<string, QueueFlowState>(StringComparer.Ordinal);
        foreach (var queue in counts.Where(static c => c.Ready > 0))
        {
            if (await ReadFlowStateAsync(queue.QueueName, concurrencyKey: null, now, cancellationToken).ConfigureAwait(false) is { } flow)
            {
                flows[queue.QueueName] = flow;
            }
        }

        return DispatchRules.Summarize(names, counts, consumers, now, flows);
    }

    /// <inheritdoc />
    public async Task<DispatchStatus> GetDispatchStatusAsync(DispatchQuery query, CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        DispatchRules.ValidateQuery(query);
        var now = Now();
        var state = query.MessageId is { } messageId
            ? await _context.QuerySingleAsync(InspectionSql.MessageById, parameters => parameters.Add(DbValues.Text(messageId)), ReadState, cancellationToken).ConfigureAwait(false)
            : await _context.QuerySingleAsync(
                InspectionSql.MessageByKey,
                parameters => parameters.Add(DbValues.Bytea(IdempotencyHash(query.QueueName!, query.IdempotencyKey!))),
                ReadState,
                cancellationToken).ConfigureAwait(false);
        var flow = state is null ? null : await ReadFlowStateAsync(state.QueueName, state.ConcurrencyKey, now, cancellationToken).ConfigureAwait(false);
        var consumers = await ListConsumersAsync(now, cancellationToken).ConfigureAwait(false);
        return DispatchRules.Explain(state, consumers, flow, now);
    }

    /// <inheritdoc />
    public async Task ReportConsumerAsync(ConsumerReport report, CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        var now = Now();
        var consumer = DispatchRules.ToConsumer(report, now);
        var stored = await _context.ExecuteNonQueryAsync(
            InspectionSql.Report,
            parameters =>
            {
                parameters.Add(DbValues.Text(consumer.ConsumerId));
                parameters.Add(DbValues.TextArray([.. consumer.QueueNames]));
                parameters.Add(DbValues.Integer(consumer.Capacity));
                parameters.Add(DbValues.Integer(consumer.InFlight));
                parameters.Add(DbValues.Timestamp(consumer.ReportedAt));
                parameters.Add(DbValues.Timestamp(consumer.ExpiresAt));
                parameters.Add(DbValues.Integer(DispatchRules.MaxConsumers));
            },
            cancellationToken).ConfigureAwait(false);
        if (stored == 0)
        {
            throw new WorldValidationException($"The World already knows {DispatchRules.MaxConsumers} live consumers.", "consumerId");
        }
    }

    /// <inheritdoc />
    public async Task RemoveConsumerAsync(string consumerId, CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        IdValidation.RequireName(consumerId, nameof(consumerId));
        await _context.ExecuteNonQueryAsync(InspectionSql.Remove, parameters => parameters.Add(DbValues.Text(consumerId)), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueConsumer>> ListConsumersAsync(CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        return await ListConsumersAsync(Now(), cancellationToken).ConfigureAwait(false);
    }

    private Task<List<QueueConsumer>> ListConsumersAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _context.QueryAsync(
            InspectionSql.ListConsumers,
            parameters => parameters.Add(DbValues.Timestamp(now)),
            static reader => new QueueConsumer(
                reader.GetString(0),
                reader.GetFieldValue<string[]>(1),
                reader.GetInt32(2),
                reader.GetInt32(3),
                DbValues.ReadTimestamp(reader, 4),
                DbValues.ReadTimestamp(reader, 5)),
            cancellationToken);

    private static QueueMessageState ReadState(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        DbValues.ReadTimestamp(reader, 2),
        DbValues.ReadText(reader, 3),
        DbValues.ReadNullableTimestamp(reader, 4),
        reader.GetInt32(5),
        reader.GetInt32(6),
        DbValues.ReadTimestamp(reader, 7),
        DbValues.ReadNullableTimestamp(reader, 8))
    {
        ConcurrencyKey = DbValues.ReadText(reader, 9),
    };
}
