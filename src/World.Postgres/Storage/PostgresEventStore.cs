using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;
using World.Rules;

namespace World.Postgres.Storage;

/// <summary>
/// The PostgreSQL write path. A new run commits in one statement that inserts the run and its first events only if
/// the id is free. Every other event is one transaction in two round trips: (1) BEGIN, lock the run row, read the
/// snapshot the rules need; (2) the writes of the shared rules' plan and COMMIT. Event ids are minted under the run
/// lock, after the run's latest id, so id order is commit order within a run. Unique indexes are the final guard.
/// </summary>
internal sealed partial class PostgresEventStore(PostgresContext context) : IEventStore
{
    // A token claim can lose to a concurrent claim and then see the winner already released; a few rounds settle it.
    private const int MaxDecisionRounds = 16;

    private enum Next
    {
        Done,
        CreateRun,
        Append,
    }

    private PostgresSql Sql => context.Sql;

    public async Task<EventResult> CreateAsync(string? runId, EventRequest request, CreateEventOptions? options = null, CancellationToken cancellationToken = default)
    {
        context.ThrowIfDisposed();
        options ??= CreateEventOptions.Default;
        var now = EventRules.Now(context.TimeProvider);
        var prepared = context.Rules.Prepare(runId, request, now);

        // A run_created usually names a free id: try the one-statement insert first.
        var next = prepared.EventType == EventType.RunCreated ? Next.CreateRun : Next.Append;
        for (var round = 0; round < MaxDecisionRounds; round++)
        {
            try
            {
                var (result, then) = next == Next.CreateRun
                    ? await TryCreateRunAsync(prepared, now, options, cancellationToken).ConfigureAwait(false)
                    : await TryAppendAsync(prepared, now, options, cancellationToken).ConfigureAwait(false);
                if (result is not null)
                {
                    return DataResolution.Apply(result, options.ResolveData);
                }

                next = then;
            }
            catch (PostgresException exception) when (PostgresErrors.IsRetryableRace(exception))
            {
                next = Next.Append; // Lost a race (a token claimed meanwhile, a deadlock victim): decide again on fresh state.
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new EntityConflictException($"{prepared.EventType.ToWireName()} conflicts with data already stored for workflow run '{prepared.RunId}' ({exception.ConstraintName}).");
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                throw new RunNotFoundException(prepared.RunId);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ProgramLimitExceeded)
            {
                throw new WorldValidationException($"A value of the {prepared.EventType.ToWireName()} event is too large to store: {exception.MessageText}", "request");
            }
            catch (NpgsqlException exception) when (PostgresErrors.Translate(exception) is { } typed)
            {
                throw typed;
            }
        }

        throw new WorldTransientException($"Could not settle a write to workflow run '{prepared.RunId}' under contention; retry the call.");
    }

    public async Task<IReadOnlyList<RunCreationResult>> CreateRunsAsync(IReadOnlyList<RunCreationRequest> runs, CreateEventOptions? options = null, CancellationToken cancellationToken = default)
    {
        context.ThrowIfDisposed();
        options ??= CreateEventOptions.Default;
        var plans = context.Rules.PlanRunCreations(runs, EventRules.Now(context.TimeProvider));
        if (plans.Count == 0)
        {
            return [];
        }

        // One statement per run, all in one round trip and one implicit transaction: one commit (one WAL flush) for
        // the batch. In run-id order, so two batches naming the same ids wait on each other instead of deadlocking.
        var order = Enumerable.Range(0, plans.Count).OrderBy(i => plans[i].RunId, StringComparer.Ordinal).ToArray();
        var results = new RunCreationResult[plans.Count];
        try
        {
            await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection);
            foreach (var index in order)
            {
                var plan = plans[index];
                var command = new NpgsqlBatchCommand(Sql.CreateRun(plan.Events.Count));
                RunRows.AddParameters(command.Parameters, plan.Run!);
                foreach (var worldEvent in plan.Events)
                {
                    EventRows.AddInsertParameters(command.Parameters, worldEvent, uniqueCorrelation: false);
                }

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
                results[order[j]] = EventRules.RunCreationOutcome(plans[order[j]], created: reader.GetInt32(0) == 1, options.ResolveData);
            }
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ProgramLimitExceeded)
        {
            throw new WorldValidationException($"A value of a run_created event is too large to store: {exception.MessageText}", "runs");
        }
        catch (NpgsqlException exception) when (PostgresErrors.Translate(exception) is { } typed)
        {
            throw typed;
        }

        return results;
    }

    public async Task<WorldEvent> GetAsync(string runId, string eventId, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireSafeId(runId, nameof(runId));
        IdValidation.RequireSafeId(eventId, nameof(eventId));
        var mode = (options ?? ReadOptions.Default).ResolveData;
        var found = await context.QuerySingleAsync(
            mode == ResolveData.All ? Sql.GetEvent : Sql.GetEventWithoutData,
            parameters =>
            {
                parameters.Add(DbValues.Text(runId));
                parameters.Add(DbValues.Text(eventId));
            },
            EventRows.Read,
            cancellationToken).ConfigureAwait(false);
        if (found is not null)
        {
            return found;
        }

        // Tell a missing run from a missing event, as the contract's error codes do.
        var run = await context.QuerySingleAsync(Sql.GetRunWithoutData, parameters => parameters.Add(DbValues.Text(runId)), RunRows.Read, cancellationToken).ConfigureAwait(false);
        throw run is null ? new RunNotFoundException(runId) : new EntityNotFoundException(EntityKind.Event, eventId);
    }

    public async Task<Page<WorldEvent>> ListAsync(EventQuery query, CancellationToken cancellationToken = default)
    {
        if (query is null)
        {
            throw new WorldValidationException("An event query with a runId is required.", nameof(query));
        }

        var runId = IdValidation.RequireSafeId(query.RunId, "runId");
        if (query.CorrelationId is not null)
        {
            IdValidation.RequireSafeId(query.CorrelationId, "correlationId");
        }

        var filter = query.CorrelationId is null ? "run_id = $1" : "run_id = $1 AND correlation_id = $2";
        return await KeysetPage.ReadAsync(
            context,
            $"SELECT {EventRows.Select(query.ResolveData)} FROM {Sql.Events} WHERE {filter}",
            "event_id",
            parameters =>
            {
                parameters.Add(DbValues.Text(runId));
                if (query.CorrelationId is not null)
                {
                    parameters.Add(DbValues.Text(query.CorrelationId));
                }
            },
            query.Page,
            EventQuery.DefaultLimit,
            SortOrder.Ascending,
            reader => (EventRows.Read(reader), reader.GetString(1)),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<(EventResult? Result, Next Then)> TryCreateRunAsync(PreparedEvent prepared, DateTimeOffset now, CreateEventOptions options, CancellationToken cancellationToken)
    {
        var plan = context.Rules.Decide(prepared, EventSnapshot.Missing, now).PlanOrThrow();
        if (!plan.CreatesRun)
        {
            throw new InvalidOperationException($"The event rules accepted {prepared.EventType.ToWireName()} on a missing run without creating it.");
        }

        await using var command = context.DataSource.CreateCommand(Sql.CreateRun(plan.Events.Count));
        RunRows.AddParameters(command.Parameters, plan.Run!);
        foreach (var worldEvent in plan.Events)
        {
            EventRows.AddInsertParameters(command.Parameters, worldEvent, uniqueCorrelation: false);
        }

        var inserted = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return inserted == 1 ? (WithPreload(plan, plan.Events, options), Next.Done) : (null, Next.Append);
    }

    private async Task<(EventResult? Result, Next Then)> TryAppendAsync(PreparedEvent prepared, DateTimeOffset now, CreateEventOptions options, CancellationToken cancellationToken)
    {
        await using var connection = await context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var open = true; // A transaction is open from the first batch until COMMIT; the finally block rolls it back otherwise.
        try
        {
            var (snapshot, withRunData) = await LockAndReadSnapshotAsync(connection, prepared, cancellationToken).ConfigureAwait(false);
            var decision = context.Rules.Decide(prepared, snapshot, now);
            if (snapshot.Run is null && decision.Plan is { CreatesRun: true })
            {
                return (null, Next.CreateRun); // The run does not exist yet and this event may create it.
            }

            var plan = decision.PlanOrThrow();
            if (plan.Run is not null && !withRunData)
            {
                throw new InvalidOperationException($"The event rules changed the run on {prepared.EventType.ToWireName()}, whose snapshot was read without the run's payloads.");
            }

            var log = await CommitAsync(connection, prepared, plan, preload: plan.PreloadsEvents && !options.SkipPreload, cancellationToken).ConfigureAwait(false);
            open = false;
            if (plan.Run is { } run && run.Status.IsTerminal())
            {
                context.RunEnds.Signal(run.RunId);
            }

            return (WithPreload(plan, log ?? [], options), Next.Done);
        }
        finally
        {
            if (open)
            {
                await RollbackAsync(connection).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Round trip 1: BEGIN, lock the run row and read what the rules need for this event.</summary>
    private async Task<(EventSnapshot Snapshot, bool WithRunData)> LockAndReadSnapshotAsync(NpgsqlConnection connection, PreparedEvent prepared, CancellationToken cancellationToken)
    {
        // Step, hook and wait events never change the run, so their snapshot skips the run's payload bytes.
        var withRunData = prepared.Target == SnapshotTarget.None;
        var runId = DbValues.Text(prepared.RunId);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        batch.BatchCommands.Add(Command(withRunData ? Sql.LockRun : Sql.LockRunWithoutData, runId));
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

        var snapshot = run is null ? EventSnapshot.Missing : new EventSnapshot
        {
            Run = run,
            LastEventId = lastEventId,
            Step = step,
            Hook = hook,
            Wait = wait,
            CorrelationEventExists = correlationEventExists,
            TokenHolder = holder,
        };
        return (snapshot, withRunData);
    }

    /// <summary>Round trip 2: the plan's writes (events first, so the unique indexes guard the entities) and COMMIT.</summary>
    private async Task<List<WorldEvent>?> CommitAsync(NpgsqlConnection connection, PreparedEvent prepared, EventPlan plan, bool preload, CancellationToken cancellationToken)
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

        if (preload)
        {
            // Read inside the transaction: exactly the log as of this commit, like the in-memory World's.
            commands.Add(Command(Sql.RunLog, DbValues.Text(plan.RunId)));
        }

        commands.Add(new NpgsqlBatchCommand("COMMIT"));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        List<WorldEvent>? log = null;
        if (preload)
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

    private async Task RollbackAsync(NpgsqlConnection connection)
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
            LogRollbackFailed(context.Logger, exception);
        }
    }

    private static EventResult WithPreload(EventPlan plan, IReadOnlyList<WorldEvent> log, CreateEventOptions options)
    {
        if (!plan.PreloadsEvents || options.SkipPreload)
        {
            return plan.Result;
        }

        return plan.Result with
        {
            Events = log,
            Cursor = log.Count == 0 ? null : PageCursor.Encode(log[^1].EventId),
            HasMore = false,
        };
    }

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
}
