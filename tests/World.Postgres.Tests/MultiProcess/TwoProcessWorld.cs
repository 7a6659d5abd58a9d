using Npgsql;

namespace World.Postgres.Tests.MultiProcess;

/// <summary>
/// Two independent PostgreSQL Worlds (separate data sources, as two processes would have) on one schema, seen as one
/// World that sends each call to the next instance in turn. Kit suites run on it prove the guarantees hold when
/// racing writers share nothing but the database.
/// </summary>
internal sealed class TwoProcessWorld : IWorld
{
    private readonly PostgresWorld[] _worlds;
    private readonly NpgsqlDataSource[] _dataSources;
    private int _next;

    public TwoProcessWorld(string connectionString, string schema, TimeProvider timeProvider)
    {
        _dataSources = [NpgsqlDataSource.Create(connectionString), NpgsqlDataSource.Create(connectionString)];
        _worlds = [.. _dataSources.Select(source => new PostgresWorld(source, new PostgresWorldOptions { Schema = schema }, timeProvider))];
        Runs = new RunStore(this);
        Steps = new StepStore(this);
        Events = new EventStore(this);
        Hooks = new HookStore(this);
    }

    public IRunStore Runs { get; }

    public IStepStore Steps { get; }

    public IEventStore Events { get; }

    public IHookStore Hooks { get; }

    // Queue calls alternate like every other call: a claim in one process, its settlement in the other.
    public IWorldQueue Queue => Next().Queue;

    public IWorldStreams Streams => Next().Streams;

    public ISchedules Schedules => Next().Schedules;

    public WorldCapabilities Capabilities => _worlds[0].Capabilities;

    public async Task StartAsync(CancellationToken cancellationToken = default) =>
        await Task.WhenAll(_worlds.Select(world => world.StartAsync(cancellationToken)));

    public async ValueTask DisposeAsync()
    {
        foreach (var world in _worlds)
        {
            await world.DisposeAsync();
        }

        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }

    private PostgresWorld Next() => _worlds[(Interlocked.Increment(ref _next) & int.MaxValue) % _worlds.Length];

    private sealed class RunStore(TwoProcessWorld owner) : IRunStore
    {
        public Task<WorkflowRun> GetAsync(string runId, ReadOptions? options = null, CancellationToken cancellationToken = default) =>
            owner.Next().Runs.GetAsync(runId, options, cancellationToken);

        public Task<IReadOnlyList<WorkflowRun?>> GetManyAsync(IReadOnlyList<string> runIds, ReadOptions? options = null, CancellationToken cancellationToken = default) =>
            owner.Next().Runs.GetManyAsync(runIds, options, cancellationToken);

        public Task<Page<WorkflowRun>> ListAsync(RunQuery? query = null, CancellationToken cancellationToken = default) =>
            owner.Next().Runs.ListAsync(query, cancellationToken);

        public Task<WorkflowRun> WaitForTerminalStatusAsync(string runId, TimeSpan timeout, ReadOptions? options = null, CancellationToken cancellationToken = default) =>
            owner.Next().Runs.WaitForTerminalStatusAsync(runId, timeout, options, cancellationToken);
    }

    private sealed class StepStore(TwoProcessWorld owner) : IStepStore
    {
        public Task<Step> GetAsync(string runId, string stepId, ReadOptions? options = null, CancellationToken cancellationToken = default) =>
            owner.Next().Steps.GetAsync(runId, stepId, options, cancellationToken);

        public Task<Page<Step>> ListAsync(StepQuery query, CancellationToken cancellationToken = default) =>
            owner.Next().Steps.ListAsync(query, cancellationToken);
    }

    private sealed class EventStore(TwoProcessWorld owner) : IEventStore
    {
        public Task<EventResult> CreateAsync(string? runId, EventRequest request, CreateEventOptions? options = null, CancellationToken cancellationToken = default) =>
            owner.Next().Events.CreateAsync(runId, request, options, cancellationToken);

        public Task<IReadOnlyList<RunCreationResult>> CreateRunsAsync(IReadOnlyList<RunCreationRequest> runs, CreateEventOptions? options = null, CancellationToken cancellationToken = default) =>
            owner.Next().Events.CreateRunsAsync(runs, options, cancellationToken);

        public Task<WorldEvent> GetAsync(string runId, string eventId, ReadOptions? options = null, CancellationToken cancellationToken = default) =>
            owner.Next().Events.GetAsync(runId, eventId, options, cancellationToken);

        public Task<Page<WorldEvent>> ListAsync(EventQuery query, CancellationToken cancellationToken = default) =>
            owner.Next().Events.ListAsync(query, cancellationToken);
    }

    private sealed class HookStore(TwoProcessWorld owner) : IHookStore
    {
        public Task<Hook> GetAsync(string hookId, ReadOptions? options = null, CancellationToken cancellationToken = default) =>
            owner.Next().Hooks.GetAsync(hookId, options, cancellationToken);

        public Task<Hook> GetByTokenAsync(string token, ReadOptions? options = null, CancellationToken cancellationToken = default) =>
            owner.Next().Hooks.GetByTokenAsync(token, options, cancellationToken);

        public Task<Page<Hook>> ListAsync(HookQuery? query = null, CancellationToken cancellationToken = default) =>
            owner.Next().Hooks.ListAsync(query, cancellationToken);
    }
}
