namespace World.Postgres.Streams;

/// <summary>The streams' statements for one schema. Parameters of writes: $1 stream id, $2 run id, $3 name, $4 now.</summary>
internal sealed class StreamSql
{
    public StreamSql(string schema)
    {
        var s = PostgresIdentifier.Quote(schema);
        var streams = s + ".streams";
        var chunks = s + ".stream_chunks";

        // $5 chunk count, $6 chunks. The upsert locks the stream row, so concurrent writers get consecutive index
        // ranges; a closed stream matches nothing and nothing is inserted (0 = closed).
        Write = $"""
            WITH stream AS (
                INSERT INTO {streams} AS st (stream_id, run_id, name, chunk_count, closed, created_at, updated_at)
                VALUES ($1, $2, $3, $5, false, $4, $4)
                ON CONFLICT (stream_id) DO UPDATE SET chunk_count = st.chunk_count + EXCLUDED.chunk_count, updated_at = EXCLUDED.updated_at
                WHERE NOT st.closed
                RETURNING chunk_count),
            appended AS (
                INSERT INTO {chunks} (stream_id, chunk_index, data)
                SELECT $1, stream.chunk_count - $5 + (c.ordinality::int - 1), c.data
                FROM stream, unnest($6::bytea[]) WITH ORDINALITY AS c(data, ordinality))
            SELECT count(*)::int FROM stream
            """;

        Close = $"""
            WITH stream AS (
                INSERT INTO {streams} AS st (stream_id, run_id, name, chunk_count, closed, created_at, updated_at)
                VALUES ($1, $2, $3, 0, true, $4, $4)
                ON CONFLICT (stream_id) DO UPDATE SET closed = true, updated_at = EXCLUDED.updated_at
                RETURNING 1)
            SELECT count(*)::int FROM stream
            """;

        Notify = $"SELECT pg_notify('{World.Postgres.Storage.PostgresChannels.Streams(schema)}', '')";

        // One statement, one snapshot: the count and state bound the chunks returned, so a page never shows a chunk
        // beyond the count it reports.
        Page = $"""
            SELECT st.chunk_count, st.closed, c.chunk_index, c.data
            FROM {streams} st
            LEFT JOIN LATERAL (
                SELECT chunk_index, data FROM {chunks}
                WHERE stream_id = st.stream_id AND chunk_index >= $2 AND chunk_index < st.chunk_count
                ORDER BY chunk_index LIMIT $3) c ON true
            WHERE st.stream_id = $1
            ORDER BY c.chunk_index
            """;

        List = $"SELECT name FROM {streams} WHERE run_id = $1 ORDER BY name";
    }

    public string Write { get; }

    public string Close { get; }

    public string Notify { get; }

    public string Page { get; }

    public string List { get; }
}
