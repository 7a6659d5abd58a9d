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
        var filter = ReadRules.RunFilterOf(query);
        if (filter.MatchesNothing)
        {
            return new Page<WorkflowRun>([], null, false);
        }

        // Each condition appends its SQL and its parameter together, so the positional numbers cannot drift apart.
        var where = new System.Text.StringBuilder("true");
        var values = new List<Npgsql.NpgsqlParameter>();
        void Add(string condition, Npgsql.NpgsqlParameter value)
        {
            values.Add(value);
            where.Append(" AND ").Append(condition.Replace("$?", "$" + values.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        if (filter.WorkflowName is not null)
        {
            Add("workflow_name = $?", DbValues.Text(filter.WorkflowName));
        }

        if (filter.Statuses is not null)
        {
            Add("status = ANY($?)", DbValues.TextArray(filter.Statuses.Select(static status => DbValues.Name(status)).ToArray()));
        }

        if (filter.Attributes.Count > 0)
        {
            // Containment on the attributes as jsonb, served by the runs_by_attributes GIN index (migration 0008),
            // which indexes the same immutable function of the column.
            Add($"attributes IS NOT NULL AND {Sql.RunAttributesJson}(attributes) @> $?::jsonb", DbValues.JsonText(filter.Attributes.ToDictionary(StringComparer.Ordinal)));
        }

        if (filter.CreatedAfter is { } after)
        {
            Add("created_at >= $?", DbValues.Timestamp(after));
        }

        if (filter.CreatedBefore is { } before)
        {
            Add("created_at < $?", DbValues.Timestamp(before));
        }

        return await KeysetPage.ReadAsync(
            context,
            $"SELECT {RunRows.Select(query.ResolveData)} FROM {Sql.Runs} WHERE {where}",
            "run_id",
            parameters =>
            {
                foreach (var value in values)
                {
                    parameters.Add(value);
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
