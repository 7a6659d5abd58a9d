using World.Backends;

namespace World.Postgres.Storage;

/// <summary>Hook reads. The hooks table holds live hooks only, so every row found is a live hook.</summary>
internal sealed class PostgresHookStore(PostgresContext context) : IHookStore
{
    private PostgresSql Sql => context.Sql;

    public async Task<Hook> GetAsync(string hookId, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var mode = ReadRules.ValidateGetHook(hookId, options);

        return await context.QuerySingleAsync(
            mode == ResolveData.All ? Sql.GetHookById : Sql.GetHookByIdWithoutData,
            parameters => parameters.Add(DbValues.Text(hookId)),
            HookRows.Read,
            cancellationToken).ConfigureAwait(false) ?? throw new HookNotFoundException(hookId);
    }

    public async Task<Hook> GetByTokenAsync(string token, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var mode = ReadRules.ValidateGetHookByToken(token, options);
        return await context.QuerySingleAsync(
            mode == ResolveData.All ? Sql.GetHookByToken : Sql.GetHookByTokenWithoutData,
            parameters => parameters.Add(DbValues.Bytea(DbValues.TokenHash(token))),
            HookRows.Read,
            cancellationToken).ConfigureAwait(false) ?? throw new HookNotFoundException(token, byToken: true);
    }

    public async Task<Page<Hook>> ListAsync(HookQuery? query = null, CancellationToken cancellationToken = default)
    {
        (query, var page) = ReadRules.ValidateHookQuery(query);
        var runId = query.RunId;
        return await KeysetPage.ReadAsync(
            context,
            $"SELECT {HookRows.Select(query.ResolveData)} FROM {Sql.Hooks} WHERE " + (runId is null ? "true" : "run_id = $1"),
            "created_event_id",
            parameters =>
            {
                if (runId is not null)
                {
                    parameters.Add(DbValues.Text(runId));
                }
            },
            page,
            CursorListing.Hooks,
            runId ?? PageCursor.Unscoped,
            static reader => (HookRows.Read(reader), HookRows.ReadSortKey(reader)),
            cancellationToken).ConfigureAwait(false);
    }
}
