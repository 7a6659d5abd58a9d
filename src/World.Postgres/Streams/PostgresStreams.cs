using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using World.Postgres.Storage;
using World.Backends;

namespace World.Postgres.Streams;

/// <summary>
/// Streams on PostgreSQL. A write appends its chunks and advances the stream's chunk count in one statement (the
/// stream row's lock numbers concurrent writers densely), then NOTIFYs. Readers page chunks from the table and, at
/// the tail, wait for a notification or the poll interval: the table is the truth, notifications only wake.
/// </summary>
internal sealed class PostgresStreams(PostgresContext context) : IWorldStreams
{
    private const int ReadBatch = 100;

    private readonly string _channel = PostgresChannels.Streams(context.Options.Schema);
    private readonly StreamSql _sql = new(context.Options.Schema);

    public Task WriteAsync(string runId, string name, ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken = default) =>
        WriteManyAsync(runId, name, [chunk], cancellationToken);

    public async Task WriteManyAsync(string runId, string name, IReadOnlyList<ReadOnlyMemory<byte>> chunks, CancellationToken cancellationToken = default)
    {
        context.ThrowIfDisposed();
        StreamRules.ValidateStream(runId, name);
        StreamRules.ValidateChunks(chunks);
        if (chunks.Count == 0)
        {
            // Writing nothing changes nothing: no stream is created and a closed stream is not an error (contract §9).
            return;
        }

        var data = new byte[chunks.Count][];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = chunks[i].ToArray();
        }

        var appended = await ExecuteAsync(_sql.Write, runId, name, parameters =>
        {
            parameters.Add(DbValues.Integer(data.Length));
            parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = data });
        }, cancellationToken).ConfigureAwait(false);
        if (appended == 0)
        {
            throw new StreamClosedException(runId, name);
        }
    }

    public async Task CloseAsync(string runId, string name, CancellationToken cancellationToken = default)
    {
        context.ThrowIfDisposed();
        StreamRules.ValidateStream(runId, name);
        await ExecuteAsync(_sql.Close, runId, name, static _ => { }, cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(string runId, string name, int startIndex = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        context.ThrowIfDisposed();
        StreamRules.ValidateStream(runId, name);
        var streamId = StreamId(runId, name);
        var next = startIndex;
        if (startIndex < 0)
        {
            var info = await ReadPageAsync(streamId, 0, 0, cancellationToken).ConfigureAwait(false);
            next = StreamRules.ResolveStart(startIndex, info.Count);
        }

        while (true)
        {
            // The wake-up is taken before the read: a write that lands between the read and the wait has then already
            // completed it, instead of being missed until the next poll.
            var wake = context.Notifications.NextSignal(_channel);
            var page = await ReadPageAsync(streamId, next, ReadBatch, cancellationToken).ConfigureAwait(false);
            foreach (var chunk in page.Chunks)
            {
                yield return chunk.Data;
            }

            next += page.Chunks.Count;
            if (page.Closed && next >= page.Count)
            {
                yield break;
            }

            if (page.Chunks.Count == 0)
            {
                // At the tail: wait for a write (local signal or NOTIFY) or the poll interval, then look again.
                await context.Notifications.WaitAsync(_channel, context.Options.StreamPollInterval, cancellationToken, since: wake).ConfigureAwait(false);
            }
        }
    }

    public async Task<StreamChunkPage> GetChunksAsync(string runId, string name, PageRequest? page = null, CancellationToken cancellationToken = default)
    {
        context.ThrowIfDisposed();
        var (limit, start) = StreamRules.ValidateChunkPage(runId, name, page);
        page ??= PageRequest.Default;
        var read = await ReadPageAsync(StreamId(runId, name), start, limit, cancellationToken).ConfigureAwait(false);
        var end = start + read.Chunks.Count;
        return new StreamChunkPage(
            read.Chunks,
            read.Chunks.Count == 0 ? page.Cursor : StreamRules.EncodeCursor(end - 1, runId, name),
            end < read.Count,
            read.Closed && end >= read.Count);
    }

    public async Task<StreamInfo> GetInfoAsync(string runId, string name, CancellationToken cancellationToken = default)
    {
        context.ThrowIfDisposed();
        StreamRules.ValidateStream(runId, name);
        var read = await ReadPageAsync(StreamId(runId, name), 0, 0, cancellationToken).ConfigureAwait(false);
        return new StreamInfo(read.Count - 1, read.Closed);
    }

    public async Task<IReadOnlyList<string>> ListAsync(string runId, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireSafeId(runId, nameof(runId));
        return await context.QueryAsync(_sql.List, parameters => parameters.Add(DbValues.Text(runId)), static reader => reader.GetString(0), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stream's chunk count and state and up to <paramref name="limit"/> chunks from <paramref name="from"/>, in one snapshot.</summary>
    private async Task<(int Count, bool Closed, List<StreamChunk> Chunks)> ReadPageAsync(byte[] streamId, int from, int limit, CancellationToken cancellationToken)
    {
        var rows = await context.QueryAsync(
            _sql.Page,
            parameters =>
            {
                parameters.Add(DbValues.Bytea(streamId));
                parameters.Add(DbValues.Integer(from));
                parameters.Add(DbValues.Integer(limit));
            },
            static reader => (
                Count: reader.GetInt32(0),
                Closed: reader.GetBoolean(1),
                Chunk: reader.IsDBNull(2) ? null : new StreamChunk(reader.GetInt32(2), reader.GetFieldValue<byte[]>(3))),
            cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return (0, false, []); // Never written: empty and open.
        }

        return (rows[0].Count, rows[0].Closed, rows.Where(static row => row.Chunk is not null).Select(static row => row.Chunk!).ToList());
    }

    private async Task<int> ExecuteAsync(string sql, string runId, string name, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            var write = new NpgsqlBatchCommand(sql);
            write.Parameters.Add(DbValues.Bytea(StreamId(runId, name)));
            write.Parameters.Add(DbValues.Text(runId));
            write.Parameters.Add(DbValues.Text(name));
            write.Parameters.Add(DbValues.Timestamp(EventRules.Now(context.TimeProvider)));
            bind(write.Parameters);
            batch.BatchCommands.Add(write);
            batch.BatchCommands.Add(new NpgsqlBatchCommand(_sql.Notify));
            var affected = (int)(await batch.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            context.Notifications.Signal(_channel);
            return affected;
        }
        catch (NpgsqlException exception) when (PostgresErrors.Translate(exception, context.DataSource) is { } typed)
        {
            throw typed;
        }
    }

    private static byte[] StreamId(string runId, string name) => SHA256.HashData(Encoding.UTF8.GetBytes(runId + "\0" + name));
}
