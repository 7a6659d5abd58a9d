using Npgsql;
using World.InMemory;
using World.Postgres;
using World.Postgres.Testing;

namespace World.Benchmarks.Load;

/// <summary>The World under test, plus the raw database access the baselines use.</summary>
internal sealed class Backend : IAsyncDisposable
{
    private readonly PostgresTestServer? _server;

    private Backend(string kind, IWorld world, NpgsqlDataSource? raw, PostgresTestServer? server, MachineInfo machine)
    {
        Kind = kind;
        World = world;
        Raw = raw;
        _server = server;
        Machine = machine;
    }

    public string Kind { get; }

    public IWorld World { get; }

    /// <summary>A data source on the same database for raw Npgsql baselines (PostgreSQL only).</summary>
    public NpgsqlDataSource? Raw { get; }

    public MachineInfo Machine { get; }

    public static async Task<Backend> StartAsync(RunnerOptions options)
    {
        if (options.Backend == "inmemory")
        {
            var memory = new InMemoryWorld();
            await memory.StartAsync().ConfigureAwait(false);
            return new Backend("inmemory", memory, null, null, Describe(null, new Dictionary<string, string>()));
        }

        // A durable server unless asked otherwise: the targets are stated for fsync on.
        string[] settings = options.Fsync
            ? ["fsync=on", "synchronous_commit=on", "full_page_writes=on", "shared_buffers=256MB"]
            : ["fsync=off", "synchronous_commit=off", "shared_buffers=256MB"];
        PostgresTestServer? server = null;
        var connectionString = options.ConnectionString;
        if (connectionString is null)
        {
            server = await PostgresTestServer.StartAsync(settings).ConfigureAwait(false);
            connectionString = server.ConnectionString;
        }

        // The raw baseline prepares its statements like the World does (auto-prepare), so the ratio compares like with like.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = Math.Max(50, options.Concurrency * 3), Multiplexing = false, MaxAutoPrepare = 64 };
        var raw = NpgsqlDataSource.Create(builder.ConnectionString);
        var world = new PostgresWorld(new WorldPostgresOptions { ConnectionString = builder.ConnectionString, Schema = "bench_" + Guid.NewGuid().ToString("N")[..8] });
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

        return new Backend("postgres", world, raw, server, Describe(version, serverSettings));
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
