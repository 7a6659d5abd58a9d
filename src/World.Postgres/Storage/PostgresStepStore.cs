using World.Backends;

namespace World.Postgres.Storage;

/// <summary>Step reads.</summary>
internal sealed class PostgresStepStore(PostgresContext context) : IStepStore
{
    public async Task<Step> GetAsync(string runId, string stepId, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var mode = ReadRules.ValidateGetStep(runId, stepId, options);
        return await context.QuerySingleAsync(
            mode == ResolveData.All ? context.Sql.GetStep : context.Sql.GetStepWithoutData,
            parameters =>
            {
                parameters.Add(DbValues.Text(runId));
                parameters.Add(DbValues.Text(stepId));
            },
            StepRows.Read,
            cancellationToken).ConfigureAwait(false) ?? throw new EntityNotFoundException(EntityKind.Step, stepId);
    }

    public async Task<Page<Step>> ListAsync(StepQuery query, CancellationToken cancellationToken = default)
    {
        var (runId, page) = ReadRules.ValidateStepQuery(query);
        return await KeysetPage.ReadAsync(
            context,
            $"SELECT {StepRows.Select(query.ResolveData)} FROM {context.Sql.Steps} WHERE run_id = $1",
            "created_event_id",
            parameters => parameters.Add(DbValues.Text(runId)),
            page,
            CursorListing.Steps,
            runId,
            static reader => (StepRows.Read(reader), StepRows.ReadSortKey(reader)),
            cancellationToken).ConfigureAwait(false);
    }
}
