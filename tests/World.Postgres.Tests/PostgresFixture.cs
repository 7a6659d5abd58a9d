using System.Collections.Concurrent;
using Npgsql;
using World.Postgres.Testing;

[assembly: AssemblyFixture(typeof(World.Postgres.Tests.PostgresFixture))]

namespace World.Postgres.Tests;

/// <summary>
/// One PostgreSQL server for the whole test assembly. Each World gets its own schema, so every test starts from empty
/// state while sharing the server and one connection pool.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _schemas = new();
    private PostgresTestServer? _server;
    private NpgsqlDataSource? _dataSource;
    private int _nextSchema;

    public PostgresTestServer Server => _server ?? throw new InvalidOperationException("The server starts in InitializeAsync.");

    /// <summary>The shared data source of the tests' Worlds.</summary>
    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The server starts in InitializeAsync.");

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresTestServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        _dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_server.ConnectionString) { MaxPoolSize = 150, MaxAutoPrepare = 64 }.ConnectionString);
    }

    /// <summary>A fresh, unique schema name; dropped at the end when the server is not throwaway.</summary>
    public string NewSchema()
    {
        var schema = $"t{Interlocked.Increment(ref _nextSchema)}_{Guid.NewGuid():N}"[..24];
        _schemas.Enqueue(schema);
        return schema;
    }

    /// <summary>A World on a fresh schema (migrated by <see cref="IWorld.StartAsync"/>) that reads time from <paramref name="timeProvider"/>.</summary>
    public PostgresWorld CreateWorld(TimeProvider timeProvider, Action<PostgresWorldOptions>? configure = null)
    {
        var options = new PostgresWorldOptions { Schema = NewSchema() };
        configure?.Invoke(options);
        return new PostgresWorld(DataSource, options, timeProvider);
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null && _server is { IsThrowaway: false })
        {
            // A shared server keeps nothing of the run.
            while (_schemas.TryDequeue(out var schema))
            {
                await using var command = _dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
                await command.ExecuteNonQueryAsync();
            }
        }

        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
