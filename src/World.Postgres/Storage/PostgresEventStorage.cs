using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;
using World.Backends;

namespace World.Postgres.Storage;

/// <summary>
/// The PostgreSQL write primitives under the shared <see cref="EventWriter"/>. A new run commits in one statement that
/// inserts the run and its first events only if the id is free. Every other event is one transaction in two round
/// trips: (1) <see cref="OpenRunAsync"/>: BEGIN, lock the run row, read the snapshot the rules need; (2)
/// <see cref="IRunWrite.CommitAsync"/>: the plan's writes and COMMIT. Event ids are minted under the run lock, after
/// the run's latest id, so id order is commit order within a run. Unique indexes are the final guard: a violation
/// that means a lost race (a live token, a deadlock victim) is reported as such; every other failure is typed here.
/// </summary>
internal sealed partial class PostgresEventStorage(PostgresContext context) : IEventStorage
{
    private PostgresSql Sql => context.Sql;

    private PostgresContext Context => context;

    public async ValueTask<bool> TryInsertRunAsync(EventPlan plan, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = context.DataSource.CreateCommand(Sql.CreateRun(plan.Events.Count));
            AddCreateRunParameters(command.Parameters, plan);
            return (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! == 1;
        }
        catch (PostgresException exception) when (PostgresErrors.IsRetryableRace(exception))
        {
            return false;
        }
        catch (NpgsqlException exception) when (WriteFailure(plan.Events[^1].EventType, plan.RunId, exception) is { } typed)
        {
            throw typed;
        }
    }

    public async ValueTask<IReadOnlyList<bool>> InsertRunsAsync(IReadOnlyList<EventPlan> plans, CancellationToken cancellationToken)
    {
        // One statement per run, all in one round trip and one implicit transaction: one commit (one WAL flush) for
        // the batch. In run-id order, so two batches naming the same ids wait on each other instead of deadlocking.
        var order = Enumerable.Range(0, plans.Count).OrderBy(i => plans[i].RunId, StringComparer.Ordinal).ToArray();
        var created = new bool[plans.Count];
        try
        {
            await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            foreach (var index in order)
            {
                var command = new NpgsqlBatchCommand(Sql.CreateRun(plans[index].Events.Count));
                AddCreateRunParameters(command.Parameters, plans[index]);
                batch.BatchCommands.Add(command);
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            for (var j = 0; j < order.Length; j++)
            {
                if (j > 0)
                {
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                }

                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                created[order[j]] = reader.GetInt32(0) == 1;
            }
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ProgramLimitExceeded)
        {
            throw new WorldValidationException($"A value of a run_created event is too large to store: {exception.MessageText}", "runs");
        }
        catch (NpgsqlException exception) when (PostgresErrors.Translate(exception, context.DataSource) is { } typed)
        {
            throw typed;
        }

        return created;
    }

    public async ValueTask<IRunWrite?> OpenRunAsync(PreparedEvent prepared, CancellationToken cancellationToken)
    {
        var connection = await OpenConnectionAsync(prepared, cancellationToken).ConfigureAwait(false);
        var write = new RunWrite(this, connection, prepared);
        try
        {
            await write.LockAndReadSnapshotAsync(cancellationToken).ConfigureAwait(false);
            return write;
        }
        catch (PostgresException exception) when (PostgresErrors.IsRetryableRace(exception))
        {
            await write.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        catch (NpgsqlException exception) when (WriteFailure(prepared.EventType, prepared.RunId, exception) is { } typed)
        {
            await write.DisposeAsync().ConfigureAwait(false);
            throw typed;
        }
        catch
        {
            await write.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<NpgsqlConnection> OpenConnectionAsync(PreparedEvent prepared, CancellationToken cancellationToken)
    {
        try
        {
            return await context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException exception) when (WriteFailure(prepared.EventType, prepared.RunId, exception) is { } typed)
        {
            throw typed;
        }
    }

    private static void AddCreateRunParameters(NpgsqlParameterCollection parameters, EventPlan plan)
    {
        RunRows.AddParameters(parameters, plan.Run!);
        foreach (var worldEvent in plan.Events)
        {
            EventRows.AddInsertParameters(parameters, worldEvent, uniqueCorrelation: false);
        }
    }

    /// <summary>The typed error for a failed write that is not a lost race; null to let the failure through.</summary>
    private WorldException? WriteFailure(EventType eventType, string runId, NpgsqlException exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } postgres =>
            new EntityConflictException($"{eventType.ToWireName()} conflicts with data already stored for workflow run '{runId}' ({postgres.ConstraintName})."),
        PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } => new RunNotFoundException(runId),
        PostgresException { SqlState: PostgresErrorCodes.ProgramLimitExceeded } postgres =>
            new WorldValidationException($"A value of the {eventType.ToWireName()} event is too large to store: {postgres.MessageText}", "request"),
        _ => PostgresErrors.Translate(exception, context.DataSource),
    };

    private static NpgsqlBatchCommand Command(string sql, params ReadOnlySpan<NpgsqlParameter> parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        return command;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Rolling back a failed World transaction failed; the connection is discarded")]
    private static partial void LogRollbackFailed(ILogger logger, Exception exception);

    /// <summary>One open transaction holding the run row's lock, from BEGIN to COMMIT (or rollback on dispose).</summary>
    private sealed class RunWrite(PostgresEventStorage storage, NpgsqlConnection connection, PreparedEvent prepared) : IRunWrite
    {
        private bool _open; // A transaction is open from the first batch until COMMIT; dispose rolls it back otherwise.
        private bool _withRunData;

        public EventSnapshot Snapshot { get; private set; } = EventSnapshot.Missing;

        private PostgresSql Sql => storage.Sql;

        /// <summary>Round trip 1: BEGIN, lock the run row and read what the rules need for this event.</summary>
        public async Task LockAndReadSnapshotAsync(CancellationToken cancellationToken)
        {
            // Step, hook and wait events never change the run, so their snapshot skips the run's payload bytes.
            _withRunData = prepared.Target == SnapshotTarget.None;
            var runId = DbValues.Text(prepared.RunId);
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            batch.BatchCommands.Add(Command(_withRunData ? Sql.LockRun : Sql.LockRunWithoutData, runId));
            batch.BatchCommands.Add(Command(Sql.LastEventId, runId.Clone()));
            var targetSql = prepared.Target switch
            {
                SnapshotTarget.Step => Sql.GetStep,
                SnapshotTarget.Hook => Sql.GetRunHook,
                SnapshotTarget.Wait => Sql.GetWait,
                _ => null,
            };
            if (targetSql is not null)
            {
                batch.BatchCommands.Add(Command(targetSql, runId.Clone(), DbValues.Text(prepared.CorrelationId)));
            }

            if (prepared.RequiresUniqueCorrelation)
            {
                batch.BatchCommands.Add(Command(Sql.CorrelationEventExists, runId.Clone(), DbValues.Text(prepared.CorrelationId), DbValues.Text(prepared.EventType.ToWireName())));
            }

            if (prepared.Token is not null)
            {
                batch.BatchCommands.Add(Command(Sql.TokenHolder, DbValues.Bytea(DbValues.TokenHash(prepared.Token))));
            }

            _open = true;
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var run = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? RunRows.Read(reader) : null;
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            var lastEventId = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetString(0) : null;
            Step? step = null;
            Hook? hook = null;
            Wait? wait = null;
            if (targetSql is not null)
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    switch (prepared.Target)
                    {
                        case SnapshotTarget.Step:
                            step = StepRows.Read(reader);
                            break;
                        case SnapshotTarget.Hook:
                            hook = HookRows.Read(reader);
                            break;
                        default:
                            wait = WaitRows.Read(reader);
                            break;
                    }
                }
            }

            var correlationEventExists = false;
            if (prepared.RequiresUniqueCorrelation)
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                correlationEventExists = reader.GetBoolean(0);
            }

            HookTokenHolder? holder = null;
            if (prepared.Token is not null)
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    holder = new HookTokenHolder(reader.GetString(0), reader.GetString(1));
                }
            }

            Snapshot = run is null ? EventSnapshot.Missing : new EventSnapshot
            {
                Run = run,
                LastEventId = lastEventId,
                Step = step,
                Hook = hook,
                Wait = wait,
                CorrelationEventExists = correlationEventExists,
                TokenHolder = holder,
            };
        }

        /// <summary>Round trip 2: the plan's writes (events first, so the unique indexes guard the entities) and COMMIT.</summary>
        public async ValueTask<RunCommit> CommitAsync(EventPlan plan, bool readLog, CancellationToken cancellationToken)
        {
            if (plan.Run is not null && !_withRunData)
            {
                throw new InvalidOperationException($"The event rules changed the run on {prepared.EventType.ToWireName()}, whose snapshot was read without the run's payloads.");
            }

            try
            {
                var log = await WriteAndCommitAsync(plan, readLog, cancellationToken).ConfigureAwait(false);
                _open = false;
                if (plan.Run is { } run && run.Status.IsTerminal())
                {
                    storage.Context.RunEnds.Signal(run.RunId);
                }

                return RunCommit.Done(log);
            }
            catch (PostgresException exception) when (PostgresErrors.IsRetryableRace(exception))
            {
                return RunCommit.LostRace;
            }
            catch (NpgsqlException exception) when (storage.WriteFailure(prepared.EventType, prepared.RunId, exception) is { } typed)
            {
                throw typed;
            }
        }

        private async Task<List<WorldEvent>?> WriteAndCommitAsync(EventPlan plan, bool readLog, CancellationToken cancellationToken)
        {
            await using var batch = new NpgsqlBatch(connection);
            var commands = batch.BatchCommands;
            foreach (var worldEvent in plan.Events)
            {
                var command = new NpgsqlBatchCommand(Sql.InsertEvent);
                var unique = prepared.RequiresUniqueCorrelation && worldEvent.EventType == prepared.EventType && worldEvent.CorrelationId == prepared.CorrelationId;
                EventRows.AddInsertParameters(command.Parameters, worldEvent, unique);
                commands.Add(command);
            }

            var creationEventId = plan.Events.Count > 0 ? plan.Events[0].EventId : null; // A synthetic creation event comes first.
            if (plan.Run is { } run)
            {
                var command = new NpgsqlBatchCommand(Sql.UpdateRun);
                RunRows.AddParameters(command.Parameters, run);
                commands.Add(command);
            }

            if (plan.Step is { } step)
            {
                var command = new NpgsqlBatchCommand(plan.CreatesStep ? Sql.InsertStep : Sql.UpdateStep);
                StepRows.AddParameters(command.Parameters, step, creationEventId ?? "");
                commands.Add(command);
            }

            if (plan.CreatedHook is { } createdHook)
            {
                var command = new NpgsqlBatchCommand(Sql.InsertHook);
                HookRows.AddInsertParameters(command.Parameters, createdHook, creationEventId!);
                commands.Add(command);
            }

            if (plan.DisposedHook is { } disposedHook)
            {
                commands.Add(Command(Sql.DeleteHook, DbValues.Text(disposedHook.RunId), DbValues.Text(disposedHook.HookId)));
            }

            if (plan.Wait is { } wait)
            {
                var command = new NpgsqlBatchCommand(plan.CreatesWait ? Sql.InsertWait : Sql.UpdateWait);
                WaitRows.AddParameters(command.Parameters, wait);
                commands.Add(command);
            }

            if (plan.EndsRun)
            {
                commands.Add(Command(Sql.DeleteRunHooks, DbValues.Text(plan.RunId)));
                commands.Add(Command(Sql.DeleteRunWaits, DbValues.Text(plan.RunId)));
            }

            if (readLog)
            {
                // Read inside the transaction: exactly the log as of this commit, like the in-memory World's.
                commands.Add(Command(Sql.RunLog, DbValues.Text(plan.RunId)));
            }

            commands.Add(new NpgsqlBatchCommand("COMMIT"));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            List<WorldEvent>? log = null;
            if (readLog)
            {
                log = [];
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    log.Add(EventRows.Read(reader));
                }
            }

            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
                // Drain to COMMIT's completion so a failure of any statement surfaces here.
            }

            return log;
        }

        public async ValueTask DisposeAsync()
        {
            if (_open)
            {
                _open = false;
                await RollbackAsync().ConfigureAwait(false);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
        }

        private async Task RollbackAsync()
        {
            if (connection.FullState != ConnectionState.Open)
            {
                return; // Broken: disposing the connection discards it, and the server aborts the transaction.
            }

            try
            {
                await using var command = new NpgsqlCommand("ROLLBACK", connection);
                await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (NpgsqlException exception)
            {
                // The original failure is what the caller sees; a connection that cannot roll back is broken and discarded.
                LogRollbackFailed(storage.Context.Logger, exception);
            }
        }
    }
}
