using World.Backends;

namespace World.Postgres;

/// <summary>
/// Options of <see cref="PostgresWorld"/>. Mutable so that they bind from configuration; validated once, when the
/// World is built (<see cref="PostgresWorldOptionsValidator"/>).
/// </summary>
public sealed class PostgresWorldOptions
{
    /// <summary>The default schema name.</summary>
    public const string DefaultSchema = "world";

    /// <summary>
    /// The Npgsql connection string. Required unless the World is given an <c>NpgsqlDataSource</c>, in which case it
    /// is ignored.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The schema that holds the World's tables: a plain identifier (letters, digits, underscore; 63 at most).</summary>
    public string Schema { get; set; } = DefaultSchema;

    /// <summary>
    /// The most connections the World opens at once; overrides the connection string's <c>Maximum Pool Size</c> when
    /// set. Size it to the number of concurrent writers (worker concurrency plus API callers), not above the server's
    /// <c>max_connections</c> divided by the number of processes.
    /// </summary>
    public int? MaxPoolSize { get; set; }

    /// <summary>Connections kept open when idle; overrides the connection string's <c>Minimum Pool Size</c> when set.</summary>
    public int? MinPoolSize { get; set; }

    /// <summary>
    /// How many statements each connection keeps prepared (Npgsql auto-prepare) when the connection string does not
    /// set <c>Max Auto Prepare</c>. The World runs a small set of statements over and over; preparing them saves the
    /// server parsing and planning (measured: +36 % events/s at 16 writers). Set 0 behind a pooler that cannot keep
    /// prepared statements (PgBouncer before 1.21 in transaction mode).
    /// </summary>
    public int AutoPrepareStatements { get; set; } = 64;

    /// <summary>Whether <see cref="IWorld.StartAsync"/> applies pending migrations. Turn off when migrations run as a deployment step.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// How often <see cref="IRunStore.WaitForTerminalStatusAsync"/> re-reads a run that another process may end.
    /// Ends committed by this World wake waiters at once.
    /// </summary>
    public TimeSpan TerminalStatusPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a live stream reader at the tail waits before looking again when no notification arrives: the bound
    /// on extra latency when a notification is lost.
    /// </summary>
    public TimeSpan StreamPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The least time between two NOTIFYs for one queue from this process. The first enqueue of a window notifies at
    /// once; later ones share one trailing NOTIFY after the window. Larger windows cost idle consumers in other
    /// processes up to that much pickup latency and save commit contention under load. Zero notifies every enqueue.
    /// </summary>
    public TimeSpan QueueNotifyWindow { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Bounds and tenant fields passed to the shared event rules.</summary>
    public EventRulesOptions Rules { get; set; } = EventRulesOptions.Default;
}
