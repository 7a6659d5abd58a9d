using System.Diagnostics;
using Npgsql;

namespace World.Benchmarks.Load;

/// <summary>
/// Reads <see cref="ResourceReading"/>s: the process's memory from the runtime, the server's side through the raw
/// data source (its own pool and <c>application_name</c>, so it never counts as one of the World's connections).
/// </summary>
internal sealed class ResourceProbe(NpgsqlDataSource? raw, string? schema)
{
    private const double Megabyte = 1024 * 1024;

    public async Task<ResourceReading> ReadAsync(CancellationToken cancellationToken)
    {
        using var process = Process.GetCurrentProcess();
        var memory = GC.GetGCMemoryInfo();
        int? connections = null, worldConnections = null, lockWaits = null;
        long? deadlocks = null;
        var depths = new Dictionary<string, long>(StringComparer.Ordinal);
        if (raw is not null && schema is not null)
        {
            try
            {
                await using var batch = raw.CreateBatch();
                var activity = new NpgsqlBatchCommand(
                    """
                    SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database())::int,
                           (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1)::int,
                           (SELECT count(*) FROM pg_locks WHERE NOT granted)::int,
                           (SELECT deadlocks FROM pg_stat_database WHERE datname = current_database())
                    """);
                activity.Parameters.Add(new NpgsqlParameter { Value = Backend.WorldApplicationName });
                batch.BatchCommands.Add(activity);
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT queue_name, count(*) FROM \"{schema}\".queue_messages GROUP BY queue_name"));
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    connections = reader.GetInt32(0);
                    worldConnections = reader.GetInt32(1);
                    lockWaits = reader.GetInt32(2);
                    deadlocks = reader.GetInt64(3);
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    depths[reader.GetString(0)] = reader.GetInt64(1);
                }
            }
            catch (NpgsqlException)
            {
                // A reading without the server's side (it is restarting, say) beats a monitor that stops the run.
            }
        }

        return new ResourceReading(
            Math.Round(process.WorkingSet64 / Megabyte, 1),
            Math.Round(memory.HeapSizeBytes / Megabyte, 1),
            Math.Round(GC.GetTotalMemory(forceFullCollection: false) / Megabyte, 1),
            GC.CollectionCount(2),
            connections,
            worldConnections,
            lockWaits,
            deadlocks,
            depths);
    }
}
