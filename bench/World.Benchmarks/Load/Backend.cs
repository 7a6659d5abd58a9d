using Npgsql;
using World.InMemory;
using World.Postgres;
using World.Postgres.Testing;

namespace World.Benchmarks.Load;

/// <summary>The World under test, plus the raw database access the baselines use.</summary>
internal sealed class Backend : IAsyncDisposable
{
    private readonly PostgresTestServer? _server;

    /// <summary>The <c>application_name</c> of the World's connections, so that monitoring and fault injection can tell them apart.</summary>
    public const string WorldApplicationName = "world-bench";

    /// <summary>The <c>application_name</c> of the raw (baseline and monitoring) connections.</summary>
    public const string RawApplicationName = "world-bench-raw";

    private Backend(string kind, IWorld world, NpgsqlDataSource? raw, PostgresTestServer? server, MachineInfo machine, string? schema, string? worldConnectionString)
    {
        Kind = kind;
        World = world;
        Raw = raw;
        _server = server;
        Machine = machine;
        Schema = schema;
        WorldConnectionString = worldConnectionString;
    }

    public string Kind { get; }

    public IWorld World { get; }

    /// <summary>A data source on the same database for raw Npgsql baselines (PostgreSQL only).</summary>
    public NpgsqlDataSource? Raw { get; }

    public MachineInfo Machine { get; }

    /// <summary>The World's schema (PostgreSQL only), for monitoring queries.</summary>
    public string? Schema { get; }

    /// <summary>The connection string the World uses (PostgreSQL only), for scenarios that build more Worlds on the same schema.</summary>
    public string? WorldConnectionString { get; }

    /// <summary>The server this runner started, when it started one: fault-injecting scenarios stop and restart it.</summary>
    public PostgresTestServer? Server => _server;

    /// <param name="options">The command line.</param>
    /// <param name="worldPoolSize">The World's connection pool; null sizes it from the concurrency.</param>
    /// <param name="ownServer">
    /// Start a throwaway cluster even when <c>WORLD_POSTGRES_CONNECTION</c> is set, and refuse <c>--connection</c>: for
    /// scenarios that stop and restart the server, which must never touch a shared one.
    /// </param>
    public static async Task<Backend> StartAsync(RunnerOptions options, int? worldPoolSize = null, bool ownServer = false)
    {
        if (options.Backend == "inmemory")
        {
            var memory = new InMemoryWorld();
            await memory.StartAsync().ConfigureAwait(false);
            return new Backend("inmemory", memory, null, null, Describe(null, new Dictionary<string, string>()), null, null);
        }

        // A durable server unless asked otherwise: the targets are stated for fsync on.
        string[] settings = options.Fsync
            ? ["fsync=on", "synchronous_commit=on", "full_page_writes=on", "shared_buffers=256MB"]
            : ["fsync=off", "synchronous_commit=off", "shared_buffers=256MB"];
        PostgresTestServer? server = null;
        var connectionString = options.ConnectionString;
        if (ownServer && connectionString is not null)
        {
            throw new ArgumentException($"{options.Scenario} stops and restarts its server, so it starts its own; --connection is not supported.");
        }

        if (connectionString is null)
        {
            server = ownServer
                ? await PostgresTestServer.StartThrowawayAsync(settings).ConfigureAwait(false)
                : await PostgresTestServer.StartAsync(settings).ConfigureAwait(false);
            connectionString = server.ConnectionString;
        }

        // The raw baseline prepares its statements like the World does (auto-prepare), so the ratio compares like with like.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = worldPoolSize ?? Math.Max(50, options.Concurrency * 3), Multiplexing = false, MaxAutoPrepare = 64 };
        var raw = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(builder.ConnectionString) { ApplicationName = RawApplicationName }.ConnectionString);
        var worldConnectionString = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { ApplicationName = WorldApplicationName }.ConnectionString;
        var schema = "bench_" + Guid.NewGuid().ToString("N")[..8];
        var world = new PostgresWorld(new PostgresWorldOptions { ConnectionString = worldConnectionString, Schema = schema });
        await world.StartAsync().ConfigureAwait(false);

        var serverSettings = new Dictionary<string, string>();
        string? version = null;
        await using (var command = raw.CreateCommand("SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'max_connections', 'wal_level')"))
        await using (var reader = await command.ExecuteReaderAsync().ConfigureAwait(false))
        {
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                serverSettings[reader.GetString(0)] = reader.GetString(1);
            }
        }

        await using (var command = raw.CreateCommand("SHOW server_version"))
        {
            version = (string?)await command.ExecuteScalarAsync().ConfigureAwait(false);
        }

        return new Backend("postgres", world, raw, server, Describe(version, serverSettings), schema, worldConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await World.DisposeAsync().ConfigureAwait(false);
        if (Raw is not null)
        {
            await Raw.DisposeAsync().ConfigureAwait(false);
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static MachineInfo Describe(string? version, IReadOnlyDictionary<string, string> settings) => new(
        Environment.ProcessorCount,
        System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        version,
        settings);
}
