using World.Backends;

namespace World.Postgres.Storage;

/// <summary>Run reads.</summary>
internal sealed class PostgresRunStore(PostgresContext context) : IRunStore
{
    private PostgresSql Sql => context.Sql;

    public async Task<WorkflowRun> GetAsync(string runId, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var mode = ReadRules.ValidateGetRun(runId, options);
        return await FindAsync(runId, mode, cancellationToken).ConfigureAwait(false)
            ?? throw new RunNotFoundException(runId);
    }

    public async Task<IReadOnlyList<WorkflowRun?>> GetManyAsync(IReadOnlyList<string> runIds, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var mode = ReadRules.ValidateGetRuns(runIds, options);
        if (runIds.Count == 0)
        {
            return [];
        }

        var rows = await context.QueryAsync(
            mode == ResolveData.All ? Sql.GetRuns : Sql.GetRunsWithoutData,
            parameters => parameters.Add(DbValues.TextArray([.. runIds])),
            RunRows.Read,
            cancellationToken).ConfigureAwait(false);
        var byId = rows.ToDictionary(static run => run.RunId, StringComparer.Ordinal);
        return runIds.Select(id => byId.GetValueOrDefault(id)).ToArray();
    }

    public async Task<Page<WorkflowRun>> ListAsync(RunQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new RunQuery();
        var page = ReadRules.ValidateRunQuery(query);
        if (query.Statuses is { Count: 0 })
        {
            return new Page<WorkflowRun>([], null, false);
        }

        var filter = "true";
        if (query.WorkflowName is not null)
        {
            filter += " AND workflow_name = $1";
        }

        if (query.Statuses is not null)
        {
            filter += query.WorkflowName is null ? " AND status = ANY($1)" : " AND status = ANY($2)";
        }

        return await KeysetPage.ReadAsync(
            context,
            $"SELECT {RunRows.Select(query.ResolveData)} FROM {Sql.Runs} WHERE {filter}",
            "run_id",
            parameters =>
            {
                if (query.WorkflowName is not null)
                {
                    parameters.Add(DbValues.Text(query.WorkflowName));
                }

                if (query.Statuses is not null)
                {
                    parameters.Add(DbValues.TextArray(query.Statuses.Select(static status => DbValues.Name(status)).Distinct().ToArray()));
                }
            },
            page,
            CursorListing.Runs,
            PageCursor.Unscoped,
            static reader => (RunRows.Read(reader), reader.GetString(0)),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<WorkflowRun> WaitForTerminalStatusAsync(string runId, TimeSpan timeout, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        context.ThrowIfDisposed();
        var mode = ReadRules.ValidateWaitForTerminalStatus(runId, timeout, options);
        var time = context.TimeProvider;
        var deadline = time.GetUtcNow() + timeout;

        // Register before the first read, so an end committed by this World between the read and the wait is not missed.
        var ended = context.RunEnds.Register(runId);
        try
        {
            while (true)
            {
                var run = await FindAsync(runId, mode, cancellationToken).ConfigureAwait(false) ?? throw new RunNotFoundException(runId);
                var remaining = deadline - time.GetUtcNow();
                if (run.Status.IsTerminal() || remaining <= TimeSpan.Zero)
                {
                    return run;
                }

                // Ends committed by other processes are found by re-reading at the poll interval.
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var poll = Task.Delay(remaining < context.Options.TerminalStatusPollInterval ? remaining : context.Options.TerminalStatusPollInterval, time, wake.Token);
                await Task.WhenAny(ended, poll).ConfigureAwait(false);
                await wake.CancelAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (ended.IsCompleted)
                {
                    context.RunEnds.Unregister(runId, ended);
                    ended = context.RunEnds.Register(runId);
                }
            }
        }
        finally
        {
            context.RunEnds.Unregister(runId, ended);
        }
    }

    private Task<WorkflowRun?> FindAsync(string runId, ResolveData mode, CancellationToken cancellationToken) =>
        context.QuerySingleAsync(
            mode == ResolveData.All ? Sql.GetRun : Sql.GetRunWithoutData,
            parameters => parameters.Add(DbValues.Text(runId)),
            RunRows.Read,
            cancellationToken);
}
