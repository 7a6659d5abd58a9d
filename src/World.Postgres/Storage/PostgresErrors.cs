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
    /// server is shutting down or out of resources. The same call may succeed when retried.
    /// </summary>
    public static bool IsTransient(NpgsqlException exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState switch
        {
            PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow => true,
            PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable => true,
            _ => postgres.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
                || postgres.SqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources
                || postgres.SqlState.StartsWith("58", StringComparison.Ordinal), // system error
        },
        _ => true, // Npgsql's own exceptions are I/O failures, timeouts and broken connections.
    };

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
