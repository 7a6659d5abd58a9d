namespace World.Postgres.Storage;

/// <summary>The NOTIFY channels of a schema.</summary>
internal static class PostgresChannels
{
    /// <summary>Queue: a message became available.</summary>
    public static string Queue(string schema) => Name("world_q_", schema);

    /// <summary>Streams: a chunk was written or a stream closed.</summary>
    public static string Streams(string schema) => Name("world_s_", schema);

    // Channels are identifiers of at most 63 bytes; two long schema names sharing a prefix only cost spurious wake-ups.
    private static string Name(string prefix, string schema) => (prefix + schema)[..Math.Min(63, prefix.Length + schema.Length)];
}
