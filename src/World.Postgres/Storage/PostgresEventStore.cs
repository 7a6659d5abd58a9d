using Npgsql;
using World.Backends;

namespace World.Postgres.Storage;

/// <summary>
/// The PostgreSQL event store: writes go through the shared <see cref="EventWriter"/> on
/// <see cref="PostgresEventStorage"/> (two round trips per append); reads are keyset pages of the events table.
/// </summary>
internal sealed class PostgresEventStore(PostgresContext context) : IEventStore
{
    private readonly EventWriter _writer = new(context.Rules, context.TimeProvider, new PostgresEventStorage(context), databaseSystem: "postgresql");

    private PostgresSql Sql => context.Sql;

    // Async, so a disposed World faults the returned task as every other failure of a write does.
    public async Task<EventResult> CreateAsync(string? runId, EventRequest request, CreateEventOptions? options = null, CancellationToken cancellationToken = default)
    {
        context.ThrowIfDisposed();
        return await _writer.CreateAsync(runId, request, options, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RunCreationResult>> CreateRunsAsync(IReadOnlyList<RunCreationRequest> runs, CreateEventOptions? options = null, CancellationToken cancellationToken = default)
    {
        context.ThrowIfDisposed();
        return await _writer.CreateRunsAsync(runs, options, cancellationToken).ConfigureAwait(false);
    }

    public async Task<WorldEvent> GetAsync(string runId, string eventId, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        var mode = ReadRules.ValidateGetEvent(runId, eventId, options);
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
        var (runId, page) = ReadRules.ValidateEventQuery(query);
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
            page,
            CursorListing.Events,
            runId,
            reader => (EventRows.Read(reader), reader.GetString(1)),
            cancellationToken).ConfigureAwait(false);
    }
}
