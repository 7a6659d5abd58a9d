using Npgsql;

namespace World.Benchmarks.Load;

/// <summary>
/// Counts read from the database after a run, the ones that must hold exactly whatever the machine's speed:
/// failed runs, dead letters, and stranded runs (unfinished with no live invocation message, so nothing would ever
/// move them on).
/// </summary>
internal static class EndChecks
{
    public static async Task<Dictionary<string, long>> ReadAsync(NpgsqlDataSource raw, string schema, string workflowQueue, IReadOnlyList<string> otherQueues, CancellationToken cancellationToken = default)
    {
        var checks = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var batch = raw.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT status, count(*) FROM \"{schema}\".runs GROUP BY status ORDER BY status"));
        var stranded = new NpgsqlBatchCommand(
            $"""
            SELECT count(*) FROM "{schema}".runs r
            WHERE r.status IN ('pending', 'running')
              AND NOT EXISTS (SELECT 1 FROM "{schema}".queue_messages m WHERE m.queue_name = $1 AND m.idempotency_key = r.run_id)
            """);
        stranded.Parameters.Add(new NpgsqlParameter { Value = workflowQueue });
        batch.BatchCommands.Add(stranded);
        var deadLetters = new NpgsqlBatchCommand($"SELECT count(*) FROM \"{schema}\".dead_letters WHERE queue_name = ANY($1)");
        deadLetters.Parameters.Add(new NpgsqlParameter { Value = otherQueues.Append(workflowQueue).ToArray() });
        batch.BatchCommands.Add(deadLetters);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        foreach (var status in new[] { "completed", "failed", "cancelled", "pending", "running" })
        {
            checks[$"runs {status}"] = 0;
        }

        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            checks[$"runs {reader.GetString(0)}"] = reader.GetInt64(1);
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        checks["runs stranded (unfinished, no live message)"] = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        checks["dead letters"] = reader.GetInt64(0);
        return checks;
    }
}
