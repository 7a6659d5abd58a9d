using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;

namespace World.Postgres.Queue;

/// <summary>
/// Group commit for acknowledgements: completions that arrive while one flush is in flight are deleted together by
/// the next, in one statement and one commit. Nothing waits for a timer, so a lone completion costs what it did
/// before; under load, N concurrent completions cost one round trip and one WAL flush. Fencing is unchanged: each row
/// is deleted only if its lease id still matches, and each caller learns whether its own lease was current.
/// </summary>
internal sealed class CompletionBatcher : IAsyncDisposable
{
    private const int MaxBatch = 1000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _sql;
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _rearmSql;
    private readonly Func<DateTimeOffset> _now;
    private readonly Action<string> _rearmed;
    private readonly Task _flusher;

    public CompletionBatcher(NpgsqlDataSource dataSource, string completeManySql, string rearmManySql, Func<DateTimeOffset> now, Action<string> rearmed)
    {
        _dataSource = dataSource;
        _sql = completeManySql;
        _rearmSql = rearmManySql;
        _now = now;
        _rearmed = rearmed;
        _flusher = Task.Run(FlushLoopAsync);
    }

    /// <summary>Settles the message if <paramref name="lease"/> is current (deleted, or re-armed when a coalesced wake-up is pending); true when it was.</summary>
    public Task<bool> CompleteAsync(QueueLease lease, CancellationToken cancellationToken)
    {
        var pending = new Pending(lease, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_pending.Writer.TryWrite(pending), typeof(PostgresWorld));

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _flusher.ConfigureAwait(false);
    }

    private async Task FlushLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _pending.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            await FlushAsync(batch).ConfigureAwait(false);
            batch.Clear();
        }
    }

    private async Task FlushAsync(List<Pending> batch)
    {
        try
        {
            var messageIds = batch.Select(static p => p.Lease.MessageId).ToArray();
            var leaseIds = batch.Select(static p => p.Lease.LeaseId).ToArray();
            await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using var command = connection.CreateBatch();
            var delete = new NpgsqlBatchCommand(_sql);
            delete.Parameters.Add(TextArray(messageIds));
            delete.Parameters.Add(TextArray(leaseIds));
            var rearm = new NpgsqlBatchCommand(_rearmSql);
            rearm.Parameters.Add(TextArray(messageIds));
            rearm.Parameters.Add(TextArray(leaseIds));
            rearm.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = _now() });
            command.BatchCommands.Add(delete);
            command.BatchCommands.Add(rearm);

            // Keyed by lease too: a stale and a current lease of one message may share a batch, and only one was current.
            var deleted = new HashSet<(string MessageId, string LeaseId)>();
            var rearmedQueues = new HashSet<string>(StringComparer.Ordinal);
            await using (var reader = await command.ExecuteReaderAsync().ConfigureAwait(false))
            {
                while (await reader.ReadAsync().ConfigureAwait(false))
                {
                    deleted.Add((reader.GetString(0), reader.GetString(1)));
                }

                await reader.NextResultAsync().ConfigureAwait(false);
                while (await reader.ReadAsync().ConfigureAwait(false))
                {
                    deleted.Add((reader.GetString(0), reader.GetString(1)));
                    rearmedQueues.Add(reader.GetString(2));
                }
            }

            foreach (var queueName in rearmedQueues)
            {
                _rearmed(queueName);
            }

            foreach (var pending in batch)
            {
                // Remove, not Contains: of two completions of one delivery in a batch, only the first completed it.
                pending.Done.TrySetResult(deleted.Remove((pending.Lease.MessageId, pending.Lease.LeaseId)));
            }
        }
#pragma warning disable CA1031 // Not swallowed: every caller of this flush receives the failure; the flusher must live on.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            // Nothing was deleted. Database unreachable or not set up → the typed error; anything else as it is.
            var error = exception is NpgsqlException npgsql && World.Postgres.Storage.PostgresErrors.Translate(npgsql) is { } typed
                ? typed
                : exception;
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(error);
            }
        }
    }

    private static NpgsqlParameter TextArray(string[] values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values };

    private sealed record Pending(QueueLease Lease, TaskCompletionSource<bool> Done);
}
