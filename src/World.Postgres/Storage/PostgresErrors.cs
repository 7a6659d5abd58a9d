using System.Net.Sockets;
using Npgsql;

namespace World.Postgres.Storage;

/// <summary>Maps database failures to the World's typed errors.</summary>
internal static class PostgresErrors
{
    /// <summary>The unique index on live hook tokens: a violation means another run claimed the token first.</summary>
    public const string LiveTokenIndex = "hooks_live_token";

    /// <summary>
    /// Whether the failure is about reaching the database rather than about the request: the connection broke, the
    /// server is shutting down, out of resources, read-only for now, or a statement was cancelled by a timeout or an
    /// operator. The same call may succeed when retried.
    /// </summary>
    public static bool IsTransient(NpgsqlException exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState switch
        {
            PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow => true,
            PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable => true,
            // statement_timeout, lock_timeout or pg_cancel_backend: the caller's own cancellation surfaces as
            // OperationCanceledException instead, so this one came from the server side and may pass next time.
            PostgresErrorCodes.QueryCanceled => true,
            // A database switched to read-only (failover in progress, disk nearly full, maintenance) takes writes again later.
            PostgresErrorCodes.ReadOnlySqlTransaction => true,
            "25P03" or "57P05" => true, // idle_in_transaction_session_timeout, idle_session_timeout
            _ => postgres.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
                || postgres.SqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources
                || postgres.SqlState.StartsWith("58", StringComparison.Ordinal), // system error
        },
        _ => true, // Npgsql's own exceptions are I/O failures, timeouts (pool exhausted included) and broken connections.
    };

    /// <summary>
    /// Whether the database is not set up for the call: a table, column, function or schema is missing (migrations
    /// not applied, or applied by an older version), the role lacks a privilege, or authentication failed.
    /// </summary>
    public static bool IsConfiguration(NpgsqlException exception) => exception is PostgresException postgres && postgres.SqlState switch
    {
        PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedColumn or PostgresErrorCodes.UndefinedFunction => true,
        PostgresErrorCodes.InvalidSchemaName or PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.InvalidCatalogName => true,
        _ => postgres.SqlState.StartsWith("28", StringComparison.Ordinal), // invalid authorization specification
    };

    /// <summary>
    /// The World's typed error for a failure that is about the database rather than the request
    /// (<see cref="WorldTransientException"/> or <see cref="WorldConfigurationException"/>); null for any other
    /// failure, which the caller maps itself or lets through.
    /// </summary>
    /// <remarks>
    /// A session opened while the database was read-only stays read-only after the database takes writes again
    /// (<c>default_transaction_read_only</c> applies at session start), so a read-only refusal also empties the
    /// data source's pool: the retry then opens a fresh session.
    /// </remarks>
    public static WorldException? Translate(NpgsqlException exception, NpgsqlDataSource dataSource)
    {
        if (exception is PostgresException { SqlState: PostgresErrorCodes.ReadOnlySqlTransaction })
        {
            dataSource.Clear();
        }

        var transient = IsTransient(exception);
        var configuration = !transient && IsConfiguration(exception);
        PostgresTelemetry.RecordError(exception, transient ? "transient" : configuration ? "configuration" : "other");
        return transient ? Transient(exception)
            : configuration ? new WorldConfigurationException(
                "The PostgreSQL World is not set up for the call: " + Describe(exception) + " Apply the World's migrations (MigrateAsync or MigrateOnStart) and check the role's privileges.",
                exception)
            : null;
    }

    /// <summary>Whether the transaction lost a race the caller may settle by deciding again.</summary>
    public static bool IsRetryableRace(PostgresException exception) =>
        exception.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
        || (exception.SqlState == PostgresErrorCodes.UniqueViolation && exception.ConstraintName == LiveTokenIndex);

    public static WorldTransientException Transient(NpgsqlException exception) =>
        new("The PostgreSQL World could not complete the call: " + Describe(exception) + " Retry the call.", exception);

    private static string Describe(NpgsqlException exception) => exception switch
    {
        PostgresException postgres => $"the server reported {postgres.SqlState} ({postgres.MessageText}).",
        { InnerException: IOException or SocketException or TimeoutException } => "the connection to the server failed.",
        _ => exception.Message,
    };
}
