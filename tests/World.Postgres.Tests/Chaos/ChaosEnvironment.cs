using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using World.Postgres.Testing;
using World.Runtime;

namespace World.Postgres.Tests.Chaos;

/// <summary>
/// Everything one fault-injection scenario runs on: a dedicated throwaway PostgreSQL server (so stopping, restarting
/// or reconfiguring it never disturbs another test), a database owned by the role the workers log in as (so
/// statement timeouts and terminated backends can target the workers alone), the migrated schema, the test's own
/// superuser World and workflow client, the worker fleet, the journal of step executions and the log of faults.
/// </summary>
internal sealed class ChaosEnvironment : IAsyncDisposable
{
    public const string Database = "chaos";
    public const string WorkerRole = "chaos_worker";
    public const string Schema = "chaos";

    private static readonly string[] DurableSettings = ["fsync=on", "synchronous_commit=on", "full_page_writes=on"];

    private readonly Dictionary<string, RunExpectation> _expectations = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private ServiceProvider? _clientServices;

    private ChaosEnvironment(PostgresTestServer server)
    {
        Server = server;
        Workers = new WorkerFleet(this);
    }

    public PostgresTestServer Server { get; }

    /// <summary>Superuser connections to the chaos database (application name <c>chaos-test</c>): the test's eyes and hands.</summary>
    public NpgsqlDataSource Admin { get; private set; } = null!;

    /// <summary>The test's own World over <see cref="Admin"/>: reads for the checker, run creation for the load.</summary>
    public PostgresWorld World { get; private set; } = null!;

    public IWorkflowClient Client { get; private set; } = null!;

    public WorkerFleet Workers { get; }

    public ExecutionJournal Journal { get; } = new();

    public FaultLog Faults { get; } = new();

    /// <summary>Every run the scenario started, with the outcome it must end with.</summary>
    public IReadOnlyDictionary<string, RunExpectation> Expectations
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, RunExpectation>(_expectations, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Starts the server, creates the role and database, migrates the schema and builds the client.</summary>
    /// <param name="maxDeliveries">The delivery budget stamped on the invocations this client enqueues.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<ChaosEnvironment> StartAsync(int maxDeliveries, CancellationToken cancellationToken)
    {
        // Durable, unlike the other tests' servers: an immediate stop of a server with fsync or synchronous_commit off
        // loses commits the workers were told had succeeded, and the checker rightly reports what follows (a step
        // attempt started twice) as a broken guarantee.
        var environment = new ChaosEnvironment(await PostgresTestServer.StartThrowawayAsync(DurableSettings, cancellationToken));
        try
        {
            await environment.InitializeAsync(maxDeliveries, cancellationToken);
            return environment;
        }
        catch
        {
            await environment.DisposeAsync();
            throw;
        }
    }

    /// <summary>A worker's connection string: the worker role, its name as application name, optionally tuned.</summary>
    public string WorkerConnectionString(string worker, Action<NpgsqlConnectionStringBuilder>? tune = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(Server.ConnectionString) { Database = Database, Username = WorkerRole, ApplicationName = worker };
        tune?.Invoke(builder);
        return builder.ConnectionString;
    }

    /// <summary>Starts <paramref name="count"/> runs of <paramref name="workflowName"/>, remembering what each must end as.</summary>
    /// <param name="workflowName">The workflow (see the worker's Program.cs).</param>
    /// <param name="count">How many runs.</param>
    /// <param name="input">The input of the i-th run (for the load workflows: the length of its slow step in ms).</param>
    /// <param name="expectation">The outcome every one of these runs must end with.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    public async Task<IReadOnlyList<string>> StartRunsAsync(string workflowName, int count, Func<int, int> input, RunExpectation expectation, CancellationToken cancellationToken)
    {
        var runIds = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var handle = await Client.StartAsync<int, int>(workflowName, input(i), cancellationToken: cancellationToken);
            runIds.Add(handle.RunId);
            lock (_gate)
            {
                _expectations[handle.RunId] = expectation with { WorkflowName = workflowName };
            }
        }

        return runIds;
    }

    /// <summary>The standard load: runs of <c>chaos-steps</c>, every third with a slow step longer than the lease.</summary>
    public Task<IReadOnlyList<string>> StartLoadAsync(int count, CancellationToken cancellationToken, string workflowName = "chaos-steps") =>
        StartRunsAsync(workflowName, count, SlowStepMilliseconds, RunExpectation.Completed, cancellationToken);

    /// <summary>
    /// Every third run has a slow step longer than the lease (a handler that outlives a lost lease overlaps its
    /// redelivery there), the others a short one.
    /// </summary>
    public static int SlowStepMilliseconds(int index) => index % 3 == 0 ? 3500 : 300;

    /// <summary>
    /// Starts <paramref name="count"/> workers and warms them up with a few short runs before any fault: a cold
    /// process (JIT, first connections) on a busy two-core machine can stall its heartbeat past a short lease, and a
    /// re-execution caused by that would be no fault of the test's making.
    /// </summary>
    public async Task<IReadOnlyList<WorkerProcess>> StartWorkersAsync(int count, WorkerSpec spec, CancellationToken cancellationToken)
    {
        var workers = await Workers.StartManyAsync(count, spec, cancellationToken);
        var warmUp = await StartRunsAsync("chaos-steps", 3 * count, _ => 20, RunExpectation.Completed, cancellationToken);
        foreach (var runId in warmUp)
        {
            await Client.GetHandle<int>(runId).GetResultAsync(cancellationToken: cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }

        return workers;
    }

    /// <summary>Terminates (<c>pg_terminate_backend</c>) up to <paramref name="limit"/> server processes of the workers, chosen at random.</summary>
    public async Task<int> TerminateWorkerBackendsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var command = Admin.CreateCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM (SELECT pid FROM pg_stat_activity WHERE usename = $1 ORDER BY random() LIMIT $2) chosen");
        command.Parameters.Add(new NpgsqlParameter { Value = WorkerRole });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Runs SQL as the superuser on the chaos database.</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Admin.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs SQL as the superuser on the <c>postgres</c> database (for ALTER DATABASE chaos and friends).</summary>
    public async Task ExecuteOnServerAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server.ConnectionString) { Pooling = false, ApplicationName = "chaos-test" }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Workers.DisposeAsync();
        if (_clientServices is not null)
        {
            await _clientServices.DisposeAsync();
        }

        if (World is not null)
        {
            await World.DisposeAsync();
        }

        if (Admin is not null)
        {
            await Admin.DisposeAsync();
        }

        await Server.DisposeAsync();
    }

    private async Task InitializeAsync(int maxDeliveries, CancellationToken cancellationToken)
    {
        await ExecuteOnServerAsync($"CREATE ROLE {WorkerRole} LOGIN", cancellationToken);
        await ExecuteOnServerAsync($"CREATE DATABASE {Database} OWNER {WorkerRole}", cancellationToken);

        // Migrated by the workers' role, so the schema and its tables are theirs.
        await using (var migrator = new PostgresWorld(new PostgresWorldOptions { ConnectionString = WorkerConnectionString("chaos-migrate", b => b.Pooling = false), Schema = Schema }))
        {
            await migrator.StartAsync(cancellationToken);
        }

        Admin = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(Server.ConnectionString) { Database = Database, ApplicationName = "chaos-test" }.ConnectionString);
        World = new PostgresWorld(Admin, new PostgresWorldOptions { Schema = Schema, MigrateOnStart = false });
        await World.StartAsync(cancellationToken);

        var services = new ServiceCollection();
        services.AddSingleton<IWorld>(World);
        services.AddWorld().AddWorkflowRuntime(options =>
        {
            options.EnableWorker = false;
            options.MaxDeliveries = maxDeliveries;
        });
        _clientServices = services.BuildServiceProvider();
        Client = _clientServices.GetRequiredService<IWorkflowClient>();
    }
}
