namespace World.Postgres.Queue;

/// <summary>The statements behind queue stats, dispatch status and consumer presence for one schema.</summary>
internal sealed class QueueInspectionSql
{
    public QueueInspectionSql(string schema)
    {
        var s = PostgresIdentifier.Quote(schema);
        var messages = s + ".queue_messages";
        var deadLetters = s + ".dead_letters";
        var consumers = s + ".queue_consumers";

        // One pass over the live table (it holds live messages only) and one over the dead letters' queue index.
        // $1: the World's now; $2: queue names, or null for all.
        Stats = $"""
            SELECT queue_name,
                   count(*) FILTER (WHERE lease_id IS NULL AND available_at <= $1),
                   count(*) FILTER (WHERE lease_id IS NULL AND available_at > $1),
                   count(*) FILTER (WHERE lease_id IS NOT NULL AND lease_expires_at > $1),
                   count(*) FILTER (WHERE lease_id IS NOT NULL AND lease_expires_at <= $1),
                   0::bigint,
                   min(available_at) FILTER (WHERE lease_id IS NULL AND available_at <= $1)
            FROM {messages}
            WHERE $2::text[] IS NULL OR queue_name = ANY($2)
            GROUP BY queue_name
            UNION ALL
            SELECT queue_name, 0, 0, 0, 0, count(*), NULL
            FROM {deadLetters}
            WHERE $2::text[] IS NULL OR queue_name = ANY($2)
            GROUP BY queue_name
            """;

        MessageById = $"""
            SELECT message_id, queue_name, available_at,
                   CASE WHEN lease_id IS NULL THEN NULL ELSE lease_owner END, CASE WHEN lease_id IS NULL THEN NULL ELSE lease_expires_at END,
                   attempt, failures, enqueued_at, NULL::timestamptz, concurrency_key
            FROM {messages} WHERE message_id = $1
            UNION ALL
            SELECT message_id, queue_name, dead_lettered_at, NULL, NULL, attempts, failures, enqueued_at, dead_lettered_at, concurrency_key
            FROM {deadLetters} WHERE message_id = $1
            LIMIT 1
            """;

        // The live message holding the key first; else the newest dead letter with it.
        MessageByKey = $"""
            (SELECT message_id, queue_name, available_at,
                   CASE WHEN lease_id IS NULL THEN NULL ELSE lease_owner END, CASE WHEN lease_id IS NULL THEN NULL ELSE lease_expires_at END,
                    attempt, failures, enqueued_at, NULL::timestamptz, concurrency_key
             FROM {messages} WHERE idempotency_hash = $1)
            UNION ALL
            (SELECT message_id, queue_name, dead_lettered_at, NULL, NULL, attempts, failures, enqueued_at, dead_lettered_at, concurrency_key
             FROM {deadLetters} WHERE idempotency_hash = $1 ORDER BY message_id DESC LIMIT 1)
            LIMIT 1
            """;

        // Upsert of one report. Lapsed reports of other consumers are pruned in the same statement; a new consumer is
        // refused (no row returned) once $7 live ones are known. $1 id, $2 queues, $3 capacity, $4 in flight,
        // $5 now, $6 expiry, $7 the limit.
        Report = $"""
            WITH pruned AS (DELETE FROM {consumers} WHERE expires_at <= $5 AND consumer_id <> $1)
            INSERT INTO {consumers} AS c (consumer_id, queue_names, capacity, in_flight, reported_at, expires_at)
            SELECT $1, $2, $3, $4, $5, $6
            WHERE EXISTS (SELECT 1 FROM {consumers} WHERE consumer_id = $1)
               OR (SELECT count(*) FROM {consumers} WHERE expires_at > $5) < $7
            ON CONFLICT (consumer_id) DO UPDATE SET
                queue_names = EXCLUDED.queue_names, capacity = EXCLUDED.capacity, in_flight = EXCLUDED.in_flight,
                reported_at = EXCLUDED.reported_at, expires_at = EXCLUDED.expires_at
            RETURNING 1
            """;

        Remove = $"DELETE FROM {consumers} WHERE consumer_id = $1";

        ListConsumers = $"""
            SELECT consumer_id, queue_names, capacity, in_flight, reported_at, expires_at
            FROM {consumers} WHERE expires_at > $1 ORDER BY consumer_id
            """;
    }

    public string Stats { get; }

    public string MessageById { get; }

    public string MessageByKey { get; }

    public string Report { get; }

    public string Remove { get; }

    public string ListConsumers { get; }
}
