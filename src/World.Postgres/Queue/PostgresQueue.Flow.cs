using Npgsql;
using World.Postgres.Queue;
using World.Postgres.Storage;
using World.Backends;

namespace World.Postgres;

// Flow control: a queue's policy is a row of queue_policies; claims apply it in QueueSql.ClaimGated, enqueues in
// queue_admit (migration 0007). The decisions are FlowRules'.
public sealed partial class PostgresQueue
{
    /// <inheritdoc />
    public async Task SetPolicyAsync(string queueName, QueuePolicy policy, CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        FlowRules.ValidatePolicy(queueName, policy);
        if (FlowRules.IsUnlimited(policy))
        {
            await _context.ExecuteNonQueryAsync(_sql.DeletePolicy, parameters => parameters.Add(DbValues.Text(queueName)), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var rate = policy.RateLimit;
            await _context.ExecuteNonQueryAsync(
                _sql.SetPolicy,
                parameters =>
                {
                    parameters.Add(DbValues.Text(queueName));
                    parameters.Add(DbValues.NullableInteger(policy.MaxConcurrency));
                    parameters.Add(DbValues.NullableInteger(policy.MaxConcurrencyPerKey));
                    parameters.Add(DbValues.NullableInteger(rate?.Limit));
                    parameters.Add(DbValues.NullableBigint(rate is null ? null : (long)rate.Period.TotalMilliseconds));
                    parameters.Add(DbValues.NullableInteger(rate?.Burst));
                    parameters.Add(DbValues.Timestamp(Now()));
                    parameters.Add(DbValues.Boolean(policy.Paused));
                    parameters.Add(DbValues.NullableInteger(policy.MaxBacklog));
                    parameters.Add(DbValues.Boolean(FlowRules.GatesClaims(policy)));
                },
                cancellationToken).ConfigureAwait(false);
        }

        // A resumed or widened queue may have claimable work now.
        _context.Notifications.Signal(_sql.Channel);
        _notifications.AfterCommit(queueName);
    }

    /// <inheritdoc />
    public async Task<QueuePolicy> GetPolicyAsync(string queueName, CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        IdValidation.RequireName(queueName, "queueName");
        var row = await _context.QuerySingleAsync(
            _sql.GetPolicy,
            parameters => parameters.Add(DbValues.Text(queueName)),
            static reader => ReadPolicy(reader).Policy,
            cancellationToken).ConfigureAwait(false);
        return row ?? QueuePolicy.Unlimited;
    }

    /// <summary>The flow state explaining a held-back message of <paramref name="queueName"/>, or null without a policy.</summary>
    private Task<QueueFlowState?> ReadFlowStateAsync(string queueName, string? concurrencyKey, DateTimeOffset now, CancellationToken cancellationToken) =>
        _context.QuerySingleAsync(
            _sql.FlowState,
            parameters =>
            {
                parameters.Add(DbValues.Text(queueName));
                parameters.Add(DbValues.Text(concurrencyKey));
            },
            reader =>
            {
                var (policy, tokens, tokensAt) = ReadPolicy(reader);
                var refilled = policy.RateLimit is { } rate ? FlowRules.Refill(rate, tokens, tokensAt, now) : 0;
                return new QueueFlowState(policy, reader.GetInt64(9), reader.GetInt64(10), refilled);
            },
            cancellationToken);

    private static (QueuePolicy Policy, double Tokens, DateTimeOffset TokensAt) ReadPolicy(NpgsqlDataReader reader)
    {
        int? Nullable(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);
        var policy = new QueuePolicy
        {
            MaxConcurrency = Nullable(0),
            MaxConcurrencyPerKey = Nullable(1),
            RateLimit = reader.IsDBNull(2) ? null : new QueueRateLimit(reader.GetInt32(2), TimeSpan.FromMilliseconds(reader.GetInt64(3)), reader.GetInt32(4)),
            Paused = reader.GetBoolean(5),
            MaxBacklog = Nullable(6),
        };
        return (policy, reader.GetDouble(7), DbValues.ReadTimestamp(reader, 8));
    }
}
