using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using World.Postgres.Schedules;
using World.Postgres.Storage;
using World.Postgres.Streams;

namespace World.Postgres;

/// <summary>
/// The World on PostgreSQL. Every event is appended in one transaction that locks its run's row, so writers of one
/// run are serialized across processes while writers of different runs never contend; the shared event rules decide,
/// and unique indexes (live hook tokens, creation events per correlation id) are the final guard against races.
/// </summary>
/// <remarks>
/// Thread-safe; create one per process and share it. <see cref="StartAsync"/> applies pending migrations unless
/// <see cref="PostgresWorldOptions.MigrateOnStart"/> is off.
/// </remarks>
public sealed class PostgresWorld : IWorld, IWorldSchema
{
    private readonly PostgresContext _context;
    private readonly NpgsqlDataSource? _ownedDataSource;
    private readonly PostgresMigrator _migrator;
    private int _disposed;

    /// <summary>Creates a World that builds and owns a data source from <see cref="PostgresWorldOptions.ConnectionString"/>.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    public PostgresWorld(PostgresWorldOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(BuildDataSource(options, loggerFactory), ownsDataSource: true, options, timeProvider, loggerFactory)
    {
    }

    /// <summary>
    /// Creates a World on a data source the caller owns (and disposes); <see cref="PostgresWorldOptions.ConnectionString"/>
    /// and the pool sizes are ignored.
    /// </summary>
    /// <param name="dataSource">The data source; keep multiplexing off (the write path holds a transaction across round trips).</param>
    /// <param name="options">The options; validated here.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    public PostgresWorld(NpgsqlDataSource dataSource, PostgresWorldOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), ownsDataSource: false, options, timeProvider, loggerFactory)
    {
    }

    private PostgresWorld(NpgsqlDataSource dataSource, bool ownsDataSource, PostgresWorldOptions options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
    {
        PostgresWorldOptionsValidator.ThrowIfInvalid(options, requireConnectionString: false);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<PostgresWorld>();
        _ownedDataSource = ownsDataSource ? dataSource : null;
        _context = new PostgresContext(dataSource, options, timeProvider ?? TimeProvider.System, logger);
        _migrator = new PostgresMigrator(dataSource, options.Schema, logger);
        Runs = new PostgresRunStore(_context);
        Steps = new PostgresStepStore(_context);
        Events = new PostgresEventStore(_context);
        Hooks = new PostgresHookStore(_context);
        Queue = new PostgresQueue(_context);
        Streams = new PostgresStreams(_context);
        Schedules = new PostgresSchedules(_context);
    }

    /// <inheritdoc />
    public IRunStore Runs { get; }

    /// <inheritdoc />
    public IStepStore Steps { get; }

    /// <inheritdoc />
    public IEventStore Events { get; }

    /// <inheritdoc />
    public IHookStore Hooks { get; }

    /// <summary>The queue, with PostgreSQL extras such as enqueuing inside a caller's transaction.</summary>
    public PostgresQueue Queue { get; }

    /// <inheritdoc />
    IWorldQueue IWorld.Queue => Queue;

    /// <inheritdoc />
    public IWorldStreams Streams { get; }

    /// <inheritdoc />
    public ISchedules Schedules { get; }

    /// <inheritdoc />
    public WorldCapabilities Capabilities { get; } = new() { MultiProcess = true };

    /// <summary>The LISTEN connection's wake-ups (tests drop notifications through it).</summary>
    internal NotificationListener Notifications => _context.Notifications;

    /// <summary>The schema this World uses.</summary>
    public string Schema => _context.Options.Schema;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        if (_context.Options.MigrateOnStart)
        {
            await MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Applies the migrations the schema lacks, in one transaction under an advisory lock, and reports what it did.
    /// Safe to call from several processes at once and to call again.
    /// </summary>
    /// <exception cref="SchemaMigrationException">An applied migration differs from this build's copy.</exception>
    /// <exception cref="WorldTransientException">The database could not be reached.</exception>
    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        try
        {
            return await _migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException exception) when (PostgresErrors.Translate(exception, _context.DataSource) is { } typed)
        {
            throw typed;
        }
    }

    /// <summary>The schema version the database is at: the highest applied migration, 0 before the first.</summary>
    /// <exception cref="WorldTransientException">The database could not be reached.</exception>
    public async Task<int> ReadSchemaVersionAsync(CancellationToken cancellationToken = default)
    {
        _context.ThrowIfDisposed();
        try
        {
            return await _migrator.ReadVersionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException exception) when (PostgresErrors.Translate(exception, _context.DataSource) is { } typed)
        {
            throw typed;
        }
    }

    /// <inheritdoc />
    async Task<SchemaStatus> IWorldSchema.GetSchemaStatusAsync(CancellationToken cancellationToken) =>
        StatusAt(await ReadSchemaVersionAsync(cancellationToken).ConfigureAwait(false));

    /// <inheritdoc />
    async Task<SchemaStatus> IWorldSchema.MigrateSchemaAsync(CancellationToken cancellationToken) =>
        StatusAt((await MigrateAsync(cancellationToken).ConfigureAwait(false)).CurrentVersion);

    private static SchemaStatus StatusAt(int version) => new()
    {
        Managed = true,
        CurrentVersion = version,
        LatestVersion = MigrationCatalog.LatestVersion,
        PendingMigrations = [.. MigrationCatalog.All.Where(migration => migration.Version > version).Select(static migration => migration.Name)],
    };

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Idempotent: a container that registers the World under two service types disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _context.Dispose();
        await Queue.DisposeAsync().ConfigureAwait(false);
        await _context.Notifications.DisposeAsync().ConfigureAwait(false);
        if (_ownedDataSource is not null)
        {
            await _ownedDataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static NpgsqlDataSource BuildDataSource(PostgresWorldOptions options, ILoggerFactory? loggerFactory)
    {
        PostgresWorldOptionsValidator.ThrowIfInvalid(options, requireConnectionString: true);
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        if (options.MaxPoolSize is { } max)
        {
            builder.ConnectionStringBuilder.MaxPoolSize = max;
        }

        if (options.MinPoolSize is { } min)
        {
            builder.ConnectionStringBuilder.MinPoolSize = min;
        }

        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = options.AutoPrepareStatements;
        }

        builder.ConnectionStringBuilder.Multiplexing = false;
        builder.ConnectionStringBuilder.ApplicationName ??= "World.Postgres";
        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        return builder.Build();
    }
}
