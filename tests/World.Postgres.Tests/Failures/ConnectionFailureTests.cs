using System.Text;
using Npgsql;

namespace World.Postgres.Tests.Failures;

/// <summary>What a caller sees when the database connection dies, and what is left in the database afterwards.</summary>
public sealed class ConnectionFailureTests(PostgresFixture postgres) : IAsyncLifetime
{
    // Held by the test to park a writer inside its transaction; no other test uses this key.
    private const long ParkingLock = 7_340_001;

    private readonly string _applicationName = "world-failure-" + Guid.NewGuid().ToString("N")[..8];
    private NpgsqlDataSource _dataSource = null!;
    private PostgresWorld _world = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        // A data source of its own, so the connections this test kills belong to it alone.
        _dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(postgres.Server.ConnectionString) { ApplicationName = _applicationName }.ConnectionString);
        _world = new PostgresWorld(_dataSource, new PostgresWorldOptions { Schema = postgres.NewSchema() });
        await _world.StartAsync(Cancellation);
    }

    public async ValueTask DisposeAsync()
    {
        await _world.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    [Fact]
    public async Task A_transaction_killed_between_its_writes_leaves_nothing_half_written()
    {
        var runId = await CreateStartedRunAsync();
        var schema = _world.Schema;

        // Park the writer after its event row is inserted: a trigger on steps waits for a lock the test holds.
        await using var admin = await postgres.DataSource.OpenConnectionAsync(Cancellation);
        await ExecuteAsync(admin, $"""
            CREATE FUNCTION "{schema}".park() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_lock({ParkingLock}); RETURN NEW; END $$;
            CREATE TRIGGER park BEFORE INSERT ON "{schema}".steps FOR EACH ROW EXECUTE FUNCTION "{schema}".park();
            SELECT pg_advisory_lock({ParkingLock});
            """);

        var write = _world.Events.CreateAsync(runId, new EventRequest(new StepCreated("charge", Encoding.UTF8.GetBytes("in")), "step_1"), cancellationToken: Cancellation);
        var pid = await WaitForParkedWriterAsync(admin);
        await ExecuteAsync(admin, $"SELECT pg_terminate_backend({pid})");

        var error = await Assert.ThrowsAsync<WorldTransientException>(() => write);
        Assert.Equal(503, error.Status);

        await ExecuteAsync(admin, $"""
            SELECT pg_advisory_unlock({ParkingLock});
            DROP TRIGGER park ON "{schema}".steps;
            """);

        // Neither the event nor the step survived the killed transaction.
        var log = await _world.Events.ListAsync(new EventQuery(runId), Cancellation);
        Assert.Equal([EventType.RunCreated, EventType.RunStarted], log.Data.Select(e => e.EventType));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => _world.Steps.GetAsync(runId, "step_1", cancellationToken: Cancellation));

        // And the same write succeeds on retry.
        var retried = await _world.Events.CreateAsync(runId, new EventRequest(new StepCreated("charge", Encoding.UTF8.GetBytes("in")), "step_1"), cancellationToken: Cancellation);
        Assert.Equal(StepStatus.Pending, retried.Step!.Status);
    }

    [Fact]
    public async Task A_killed_idle_connection_surfaces_a_transient_error_and_the_next_call_succeeds()
    {
        var runId = await CreateStartedRunAsync();
        await TerminateOurBackendsAsync();

        var error = await Assert.ThrowsAsync<WorldTransientException>(() => _world.Runs.GetAsync(runId, cancellationToken: Cancellation));
        Assert.Equal(WorldErrorCodes.Transient, error.Code);
        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);

        var run = await _world.Runs.GetAsync(runId, cancellationToken: Cancellation);
        Assert.Equal(RunStatus.Running, run.Status);
    }

    [Fact]
    public async Task A_write_on_a_killed_connection_is_transient_and_nothing_is_written()
    {
        var runId = await CreateStartedRunAsync();
        await TerminateOurBackendsAsync();

        await Assert.ThrowsAsync<WorldTransientException>(() =>
            _world.Events.CreateAsync(runId, new EventRequest(new RunCompleted(Encoding.UTF8.GetBytes("out"))), cancellationToken: Cancellation));

        Assert.Equal(RunStatus.Running, (await _world.Runs.GetAsync(runId, cancellationToken: Cancellation)).Status);
        var completed = await _world.Events.CreateAsync(runId, new EventRequest(new RunCompleted(Encoding.UTF8.GetBytes("out"))), cancellationToken: Cancellation);
        Assert.Equal(RunStatus.Completed, completed.Run!.Status);
    }

    private async Task<string> CreateStartedRunAsync()
    {
        var created = await _world.Events.CreateAsync(null, new EventRequest(new RunCreated("dpl", "wf", Encoding.UTF8.GetBytes("x"))), cancellationToken: Cancellation);
        var runId = created.Run!.RunId;
        await _world.Events.CreateAsync(runId, new EventRequest(new RunStarted()), cancellationToken: Cancellation);
        return runId;
    }

    /// <summary>Kills every server process of this test's pool (now idle in the pool) and waits until they are gone.</summary>
    private async Task TerminateOurBackendsAsync()
    {
        await using var admin = await postgres.DataSource.OpenConnectionAsync(Cancellation);
        await using var kill = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", admin)
        {
            Parameters = { new NpgsqlParameter { Value = _applicationName } },
        };
        Assert.True((long)(await kill.ExecuteScalarAsync(Cancellation))! > 0, "expected pooled connections to kill");
        await using var remaining = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", admin)
        {
            Parameters = { new NpgsqlParameter { Value = _applicationName } },
        };
        while ((long)(await remaining.ExecuteScalarAsync(Cancellation))! > 0)
        {
            await Task.Delay(10, Cancellation);
        }
    }

    private async Task<int> WaitForParkedWriterAsync(NpgsqlConnection admin)
    {
        await using var find = new NpgsqlCommand(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' AND wait_event = 'advisory'", admin)
        {
            Parameters = { new NpgsqlParameter { Value = _applicationName } },
        };
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            if (await find.ExecuteScalarAsync(Cancellation) is int pid)
            {
                return pid;
            }

            await Task.Delay(10, Cancellation);
        }

        throw new TimeoutException("The writer never reached the parked insert.");
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancellation);
    }
}
