using Npgsql;

namespace World.Postgres.Tests.Chaos;

/// <summary>Waiting for a moment worth a fault: a worker inside a step, a worker's statement blocked on a lock.</summary>
internal static class ChaosProbes
{
    /// <summary>Polls <paramref name="probe"/> until it returns a value, or fails the test after <paramref name="timeout"/>.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what, CancellationToken cancellationToken)
        where T : class
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>Waits until the queue holds no message (the previous load is done), within the completion timeout.</summary>
    public static Task QueueDrainedAsync(ChaosEnvironment chaos, CancellationToken cancellationToken) =>
        UntilAsync<object>(
            async () =>
            {
                await using var command = chaos.Admin.CreateCommand($"SELECT count(*) FROM {ChaosEnvironment.Schema}.queue_messages");
                return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 0 ? new object() : null;
            },
            ChaosSettings.CompletionTimeout,
            "the queue to drain",
            cancellationToken);

    /// <summary>A live worker running a <paramref name="stepName"/> execution that started at least <paramref name="since"/> ago.</summary>
    public static Task<WorkerProcess> WorkerInsideStepAsync(ChaosEnvironment chaos, string stepName, TimeSpan since, CancellationToken cancellationToken) =>
        UntilAsync(
            () => Task.FromResult(chaos.Workers.Alive.FirstOrDefault(w => chaos.Journal.Running(w.Name).Any(e => e.StepName == stepName && DateTimeOffset.UtcNow - e.Started >= since))),
            TimeSpan.FromSeconds(30),
            $"a worker inside step '{stepName}'",
            cancellationToken);

    /// <summary>
    /// A live worker one of whose statements (its text matching the SQL LIKE <paramref name="queryPattern"/>) waits for a
    /// lock; the worker is found by the application name of its connection.
    /// </summary>
    public static Task<WorkerProcess> WorkerBlockedInAsync(ChaosEnvironment chaos, string queryPattern, string what, CancellationToken cancellationToken, string? worker = null) =>
        UntilAsync(
            async () =>
            {
                await using var command = chaos.Admin.CreateCommand(
                    "SELECT application_name FROM pg_stat_activity WHERE usename = $1 AND wait_event_type = 'Lock' AND query LIKE $2 AND ($3::text IS NULL OR application_name = $3)");
                command.Parameters.Add(new NpgsqlParameter { Value = ChaosEnvironment.WorkerRole });
                command.Parameters.Add(new NpgsqlParameter { Value = queryPattern });
                command.Parameters.Add(new NpgsqlParameter { Value = (object?)worker ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                var names = new List<string>();
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        names.Add(reader.GetString(0));
                    }
                }

                return chaos.Workers.Alive.FirstOrDefault(w => names.Contains(w.Name));
            },
            TimeSpan.FromSeconds(30),
            what,
            cancellationToken);
}
