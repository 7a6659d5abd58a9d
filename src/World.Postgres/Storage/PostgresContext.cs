using Microsoft.Extensions.Logging;
using Npgsql;
using World.Backends;

namespace World.Postgres.Storage;

/// <summary>What the stores of one <see cref="PostgresWorld"/> share.</summary>
internal sealed class PostgresContext(
    NpgsqlDataSource dataSource,
    PostgresWorldOptions options,
    TimeProvider timeProvider,
    ILogger logger)
{
    private volatile bool _disposed;

    public NpgsqlDataSource DataSource { get; } = dataSource;

    public PostgresSql Sql { get; } = new(options.Schema);

    public EventRules Rules { get; } = new(options.Rules);

    public PostgresWorldOptions Options { get; } = options;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public ILogger Logger { get; } = logger;

    public RunEndSignals RunEnds { get; } = new();

    /// <summary>The World's one LISTEN connection, for the queue's and the streams' wake-ups.</summary>
    public NotificationListener Notifications { get; } = new(
        dataSource,
        [PostgresChannels.Queue(options.Schema), PostgresChannels.Streams(options.Schema)],
        timeProvider,
        logger);

    public void Dispose() => _disposed = true;

    public void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, typeof(PostgresWorld));

    /// <summary>Runs a read and returns every row it yields.</summary>
    public Task<List<T>> QueryAsync<T>(string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken) =>
        QueryAsync(
            parameters =>
            {
                bind(parameters);
                return sql;
            },
            read,
            cancellationToken);

    /// <summary>Runs a read whose text depends on its parameters: <paramref name="build"/> adds them and returns the SQL.</summary>
    public async Task<List<T>> QueryAsync<T>(Func<NpgsqlParameterCollection, string> build, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        try
        {
            await using var command = DataSource.CreateCommand();
            command.CommandText = build(command.Parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var rows = new List<T>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(read(reader));
            }

            return rows;
        }
        catch (NpgsqlException exception) when (PostgresErrors.Translate(exception, DataSource) is { } typed)
        {
            throw typed;
        }
    }

    /// <summary>Runs a write and returns how many rows it affected.</summary>
    public async Task<int> ExecuteNonQueryAsync(string sql, Action<NpgsqlParameterCollection> bind, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        try
        {
            await using var command = DataSource.CreateCommand(sql);
            bind(command.Parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException exception) when (PostgresErrors.Translate(exception, DataSource) is { } typed)
        {
            throw typed;
        }
    }

    /// <summary>Runs a read of at most one row.</summary>
    public async Task<T?> QuerySingleAsync<T>(string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        var rows = await QueryAsync(sql, bind, read, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }
}
