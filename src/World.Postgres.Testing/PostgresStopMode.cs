namespace World.Postgres.Testing;

/// <summary>How <see cref="PostgresTestServer"/> stops its cluster: the shutdown modes of <c>pg_ctl stop -m</c>.</summary>
public enum PostgresStopMode
{
    /// <summary>Waits for every client to disconnect.</summary>
    Smart,

    /// <summary>Rolls back open transactions and disconnects every client (an operator's ordinary restart).</summary>
    Fast,

    /// <summary>Kills the server processes without a clean shutdown (a server crash); recovery runs on the next start.</summary>
    Immediate,
}
