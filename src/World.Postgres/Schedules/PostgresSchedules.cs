using Microsoft.Extensions.Logging;
using Npgsql;
using World.Postgres.Storage;
using World.Backends;

namespace World.Postgres.Schedules;

/// <summary>
/// Schedules on PostgreSQL. Each command is one short transaction that locks the schedule's row; a claim locks due
/// schedules with <c>FOR UPDATE SKIP LOCKED</c> (so concurrent schedulers split the work instead of waiting), applies
/// the shared <see cref="ScheduleRules.Plan"/> to each, writes the new states and inserts the fires with
/// <c>ON CONFLICT DO NOTHING</c> on their (schedule, tick) key, then leases due pending fires, all in one commit.
/// </summary>
internal sealed partial class PostgresSchedules : ISchedules
{
    private readonly PostgresContext _context;
    private readonly string _schedules;
    private readonly string _fires;
    private readonly string _runs;
    private readonly ScheduleDefinitionCache _definitions = new();

    public PostgresSchedules(PostgresContext context)
    {
        _context = context;
        var schema = PostgresIdentifier.Quote(context.Options.Schema);
        _schedules = schema + ".schedules";
        _fires = schema + ".schedule_fires";
        _runs = schema + ".runs";
    }

    private DateTimeOffset Now => _context.TimeProvider.GetUtcNow();

    public Task<Schedule> UpsertAsync(ScheduleDefinition definition, CancellationToken cancellationToken = default)
    {
        ScheduleRules.Validate(definition);
        return InTransactionAsync(
            async (connection, transaction) =>
            {
                var existing = await LockAsync(connection, transaction, definition.ScheduleId, cancellationToken).ConfigureAwait(false);
                var now = Now;
                var state = existing switch
                {
                    null => ScheduleRules.InitialState(definition, now),
                    { Definition: { } stored } => ScheduleRules.Reconcile(new Schedule(stored, existing.Value.State), definition, now),
                    // The stored definition was unreadable (edited by hand): the upsert replaces it and recomputes the next tick.
                    _ => ScheduleRules.Reconcile(new Schedule(definition, existing.Value.State with { NextNominalAt = null }), definition, now),
                };

                await using var command = new NpgsqlCommand(
                    $"INSERT INTO {_schedules} ({ScheduleRows.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) " +
                    "ON CONFLICT (schedule_id) DO UPDATE SET workflow_name = $2, definition = $3, input = $4, enabled = $5, pause_note = $6, " +
                    "next_nominal_at = $7, next_fire_at = $8, last_nominal_at = $9, last_fired_at = $10, last_run_id = $11, last_outcome = $12, " +
                    "buffered_nominal_at = $13, updated_at = $15",
                    connection,
                    transaction);
                ScheduleRows.Bind(command.Parameters, definition, state);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return new Schedule(definition with { Input = definition.Input.ToArray() }, state);
            },
            cancellationToken);
    }

    public async Task<Schedule> GetAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        return await _context.QuerySingleAsync(
            $"SELECT {ScheduleRows.Columns} FROM {_schedules} WHERE schedule_id = $1",
            p => p.Add(new NpgsqlParameter<string> { TypedValue = scheduleId }),
            ScheduleRows.Read,
            cancellationToken).ConfigureAwait(false) ?? throw new ScheduleNotFoundException(scheduleId);
    }

    public async Task<Page<Schedule>> ListAsync(ScheduleQuery? query = null, CancellationToken cancellationToken = default)
    {
        var (resolved, page) = ScheduleReadRules.ValidateQuery(query);
        var rows = await _context.QueryAsync(
            parameters =>
            {
                var where = new List<string>();
                if (resolved.WorkflowName is { } workflowName)
                {
                    parameters.Add(new NpgsqlParameter<string> { TypedValue = workflowName });
                    where.Add($"workflow_name = ${parameters.Count}");
                }

                if (page.After is { } after)
                {
                    parameters.Add(new NpgsqlParameter<string> { TypedValue = after });
                    where.Add($"schedule_id {(page.Ascending ? ">" : "<")} ${parameters.Count}");
                }

                parameters.Add(new NpgsqlParameter<int> { TypedValue = page.Limit + 1 });
                return $"SELECT {ScheduleRows.Columns} FROM {_schedules} {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))} " +
                    $"ORDER BY schedule_id {(page.Ascending ? "ASC" : "DESC")} LIMIT ${parameters.Count}";
            },
            ScheduleRows.Read,
            cancellationToken).ConfigureAwait(false);
        var data = rows.Take(page.Limit).ToList();
        var cursor = data.Count == 0 ? null : PageCursor.Encode(CursorListing.Schedules, resolved.WorkflowName ?? PageCursor.Unscoped, data[^1].ScheduleId);
        return new Page<Schedule>(data, cursor, rows.Count > page.Limit);
    }

    public Task<Schedule> PauseAsync(string scheduleId, string? note = null, CancellationToken cancellationToken = default)
    {
        TextRules.RequireText(note, "note", ScheduleRules.MaxNoteBytes);
        return ChangeAsync(scheduleId, schedule => ScheduleRules.Pause(schedule.State, note, Now), cancellationToken);
    }

    public Task<Schedule> ResumeAsync(string scheduleId, CancellationToken cancellationToken = default) =>
        ChangeAsync(scheduleId, schedule => ScheduleRules.Resume(schedule.Definition, schedule.State, Now), cancellationToken);

    public async Task<bool> DeleteAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        _definitions.Remove(scheduleId);
        return await _context.ExecuteNonQueryAsync(
            $"DELETE FROM {_schedules} WHERE schedule_id = $1",
            p => p.Add(new NpgsqlParameter<string> { TypedValue = scheduleId }),
            cancellationToken).ConfigureAwait(false) > 0;
    }

    public Task<ScheduleFire> TriggerNowAsync(string scheduleId, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        return InTransactionAsync(
            async (connection, transaction) =>
            {
                var schedule = await RequireLockedAsync(connection, transaction, scheduleId, cancellationToken).ConfigureAwait(false);
                var now = Now;
                var fire = ScheduleRules.ManualFire(scheduleId, now);
                if (!await InsertFireAsync(connection, transaction, fire, cancellationToken).ConfigureAwait(false))
                {
                    // Two triggers in one millisecond are one trigger: return the fire that holds the key.
                    return (await ReadFireAsync(connection, transaction, scheduleId, fire.Key, cancellationToken).ConfigureAwait(false))!;
                }

                await WriteStateAsync(connection, transaction, scheduleId, schedule.State with { LastRunId = fire.RunId, LastFiredAt = now, LastOutcome = $"triggered manually as {fire.RunId}", UpdatedAt = now }, cancellationToken).ConfigureAwait(false);
                return fire;
            },
            cancellationToken);
    }

    public Task<ScheduleBackfillResult> BackfillAsync(string scheduleId, ScheduleBackfillRequest request, CancellationToken cancellationToken = default)
    {
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        return InTransactionAsync(
            async (connection, transaction) =>
            {
                var schedule = await RequireLockedAsync(connection, transaction, scheduleId, cancellationToken).ConfigureAwait(false);
                var fires = ScheduleRules.BackfillFires(schedule.Definition, request, Now);
                var inserted = await InsertFiresAsync(connection, transaction, fires, cancellationToken).ConfigureAwait(false);
                return new ScheduleBackfillResult(fires.Count, inserted.Count, inserted.Count == 0 ? null : inserted.Max(f => f.FireAt));
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<DateTimeOffset>> PreviewAsync(string scheduleId, int count, CancellationToken cancellationToken = default)
    {
        ScheduleReadRules.ValidatePreviewCount(count);
        var schedule = await GetAsync(scheduleId, cancellationToken).ConfigureAwait(false);
        var from = schedule.State.NextNominalAt is { } next ? next.AddTicks(-1) : Now;
        return ScheduleRules.Preview(schedule.Definition, from, count);
    }

    public async Task<Page<ScheduleFire>> ListFiresAsync(ScheduleFireQuery query, CancellationToken cancellationToken = default)
    {
        var page = ScheduleReadRules.ValidateFireQuery(query);
        var rows = await _context.QueryAsync(
            parameters =>
            {
                parameters.Add(new NpgsqlParameter<string> { TypedValue = query.ScheduleId });
                var where = "schedule_id = $1";
                if (query.Status is { } status)
                {
                    parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)status });
                    where += $" AND status = ${parameters.Count}";
                }

                if (page.After is { } after)
                {
                    parameters.Add(new NpgsqlParameter<string> { TypedValue = after });
                    where += $" AND fire_key {(page.Ascending ? ">" : "<")} ${parameters.Count}";
                }

                parameters.Add(new NpgsqlParameter<int> { TypedValue = page.Limit + 1 });
                return $"SELECT {ScheduleRows.FireColumns} FROM {_fires} WHERE {where} ORDER BY fire_key {(page.Ascending ? "ASC" : "DESC")} LIMIT ${parameters.Count}";
            },
            ScheduleRows.ReadFire,
            cancellationToken).ConfigureAwait(false);
        var data = rows.Take(page.Limit).ToList();
        var cursor = data.Count == 0 ? null : PageCursor.Encode(CursorListing.ScheduleFires, query.ScheduleId, data[^1].Key);
        return new Page<ScheduleFire>(data, cursor, rows.Count > page.Limit);
    }

    public Task<ScheduleClaimResult> ClaimFiresAsync(ScheduleClaimRequest request, CancellationToken cancellationToken = default)
    {
        ScheduleReadRules.ValidateClaim(request);
        return InTransactionAsync(
            async (connection, transaction) =>
            {
                var now = Now;

                // 1. Lock the due schedules other schedulers are not planning right now, with whether each one's previous
                // run is still active (not ended, or not created yet because its fire is pending).
                var due = new List<(ScheduleDefinition? Definition, ScheduleState State, string ScheduleId, bool PreviousActive)>(request.Limit);
                await using (var select = new NpgsqlCommand(
                    $"SELECT {Prefixed("s", ScheduleRows.Columns)}, " +
                    $"(s.last_run_id IS NOT NULL AND (r.status IN ('pending', 'running') OR (r.run_id IS NULL AND EXISTS (" +
                    $"SELECT 1 FROM {_fires} f WHERE f.schedule_id = s.schedule_id AND f.run_id = s.last_run_id AND f.status = 0)))) " +
                    $"FROM {_schedules} s LEFT JOIN {_runs} r ON r.run_id = s.last_run_id " +
                    "WHERE s.enabled AND (s.next_fire_at IS NULL OR s.next_fire_at <= $1 OR s.buffered_nominal_at IS NOT NULL) " +
                    "ORDER BY s.next_fire_at NULLS FIRST LIMIT $2 FOR UPDATE OF s SKIP LOCKED",
                    connection,
                    transaction))
                {
                    select.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
                    select.Parameters.Add(new NpgsqlParameter<int> { TypedValue = request.Limit });
                    await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var (definition, state, scheduleId) = ScheduleRows.ReadRaw(reader, _definitions);
                        due.Add((definition, state, scheduleId, reader.GetBoolean(15)));
                    }
                }

                // 2. Decide each in shared code; write all states with one UPDATE and all fires with one INSERT, whatever
                // the batch size (set-wise through unnest: two statements instead of one per schedule and per fire).
                var planned = 0;
                var repaired = new List<string>();
                var fires = new List<ScheduleFire>();
                var states = new List<(string ScheduleId, ScheduleState State)>();
                foreach (var (definition, state, scheduleId, previousActive) in due)
                {
                    if (definition is null)
                    {
                        // A definition edited into invalid JSON: keep the row enabled and visible, retry later; others are not held up.
                        states.Add((scheduleId, state with { NextFireAt = now + ScheduleRules.ErrorRetry, LastOutcome = "error: the stored definition is not valid JSON; upsert it again", UpdatedAt = now }));
                        LogUnreadableDefinition(_context.Logger, scheduleId, ScheduleRules.ErrorRetry);
                        planned++;
                        continue;
                    }

                    var plan = ScheduleRules.Plan(definition, state, now, previousActive);
                    if (plan.Repaired)
                    {
                        repaired.Add(scheduleId);
                    }

                    if (plan.State == state && plan.Fires.Count == 0)
                    {
                        continue;
                    }

                    planned++;
                    states.Add((scheduleId, plan.State));
                    fires.AddRange(plan.Fires);
                }

                await WriteStatesAsync(connection, transaction, states, cancellationToken).ConfigureAwait(false);

                // 3. Insert the fires; the new pending ones (up to the limit) are leased to the caller in the same insert,
                // so they are not written a second time by the lease below.
                var leaseUntil = now + request.Lease;
                var definitions = due.Where(d => d.Definition is not null).ToDictionary(d => d.ScheduleId, d => d.Definition!, StringComparer.Ordinal);
                var leasedNew = fires.Where(f => f.Status == ScheduleFireStatus.Pending).OrderBy(f => f.FireAt).Take(request.Limit)
                    .Select(f => f with { Attempts = 1 }).ToList();
                var leasedKeys = leasedNew.Select(f => (f.ScheduleId, f.Key)).ToHashSet();
                fires = fires.Select(f => leasedKeys.Contains((f.ScheduleId, f.Key)) ? f with { Attempts = 1 } : f).ToList();
                var inserted = await InsertFiresSetWiseAsync(connection, transaction, fires, leasedKeys, request.Owner, leaseUntil, cancellationToken).ConfigureAwait(false);
                var claimed = new List<ClaimedScheduleFire>(request.Limit);
                foreach (var fire in leasedNew)
                {
                    if (inserted.Contains((fire.ScheduleId, fire.Key)))
                    {
                        var definition = definitions[fire.ScheduleId];
                        claimed.Add(new ClaimedScheduleFire(fire, definition.WorkflowName, definition.Input.ToArray(), leaseUntil));
                    }
                }

                // 4. Lease other due pending fires (ones whose scheduler died, backfills, manual triggers) up to the limit.
                if (claimed.Count < request.Limit)
                {
                    await LeasePendingAsync(connection, transaction, request, now, leaseUntil, request.Limit - claimed.Count, claimed, cancellationToken).ConfigureAwait(false);
                }

                claimed.Sort((a, b) => a.Fire.FireAt != b.Fire.FireAt ? a.Fire.FireAt.CompareTo(b.Fire.FireAt) : string.CompareOrdinal(a.Fire.ScheduleId + a.Fire.Key, b.Fire.ScheduleId + b.Fire.Key));
                return new ScheduleClaimResult(claimed, planned, repaired);
            },
            cancellationToken);
    }

    public async Task<int> CompleteFiresAsync(IReadOnlyList<ScheduleFire> fires, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fires);
        if (fires.Count == 0)
        {
            return 0;
        }

        return await _context.ExecuteNonQueryAsync(
            $"UPDATE {_fires} f SET status = 1, completed_at = $3, lease_owner = NULL, lease_until = NULL " +
            "FROM unnest($1::text[], $2::text[]) AS done (schedule_id, fire_key) WHERE f.schedule_id = done.schedule_id AND f.fire_key = done.fire_key AND f.status = 0",
            p =>
            {
                p.Add(new NpgsqlParameter<string[]> { TypedValue = fires.Select(f => f.ScheduleId).ToArray() });
                p.Add(new NpgsqlParameter<string[]> { TypedValue = fires.Select(f => f.Key).ToArray() });
                p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = Now.ToUniversalTime() });
            },
            cancellationToken).ConfigureAwait(false);
    }

    private string InsertFireSql =>
        $"INSERT INTO {_fires} (schedule_id, fire_key, nominal_at, kind, status, run_id, fire_at, cancel_run_id, skip_reason, skipped_count, skipped_until, attempts, created_at) " +
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (schedule_id, fire_key) DO NOTHING";

    private static string Prefixed(string alias, string columns) =>
        string.Join(", ", columns.Split(", ").Select(column => alias + "." + column));

    // Timestamps travel as ISO-8601 text arrays (nullable elements) and are cast in SQL: one parameter per column.
    private static string?[] Times(IEnumerable<DateTimeOffset?> values) =>
        values.Select(v => v?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private async Task WriteStatesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, List<(string ScheduleId, ScheduleState State)> states, CancellationToken cancellationToken)
    {
        if (states.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            $"UPDATE {_schedules} s SET enabled = u.enabled, pause_note = u.pause_note, next_nominal_at = u.next_nominal_at, next_fire_at = u.next_fire_at, " +
            "last_nominal_at = u.last_nominal_at, last_fired_at = u.last_fired_at, last_run_id = u.last_run_id, last_outcome = u.last_outcome, " +
            "buffered_nominal_at = u.buffered_nominal_at, updated_at = u.updated_at " +
            "FROM unnest($1::text[], $2::boolean[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[], $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[]) " +
            "AS u (schedule_id, enabled, pause_note, next_nominal_at, next_fire_at, last_nominal_at, last_fired_at, last_run_id, last_outcome, buffered_nominal_at, updated_at) " +
            "WHERE s.schedule_id = u.schedule_id",
            connection,
            transaction);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string[]> { TypedValue = states.Select(x => x.ScheduleId).ToArray() });
        p.Add(new NpgsqlParameter<bool[]> { TypedValue = states.Select(x => x.State.Enabled).ToArray() });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = states.Select(x => x.State.PauseNote).ToArray() });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = Times(states.Select(x => x.State.NextNominalAt)) });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = Times(states.Select(x => x.State.NextFireAt)) });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = Times(states.Select(x => x.State.LastNominalAt)) });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = Times(states.Select(x => x.State.LastFiredAt)) });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = states.Select(x => x.State.LastRunId).ToArray() });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = states.Select(x => x.State.LastOutcome).ToArray() });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = Times(states.Select(x => x.State.BufferedNominalAt)) });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = Times(states.Select(x => (DateTimeOffset?)x.State.UpdatedAt)) });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Inserts fires (set-wise), leasing those in <paramref name="leased"/> to <paramref name="owner"/>; returns the keys inserted.</summary>
    private async Task<HashSet<(string ScheduleId, string Key)>> InsertFiresSetWiseAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        List<ScheduleFire> fires,
        HashSet<(string ScheduleId, string Key)> leased,
        string owner,
        DateTimeOffset leaseUntil,
        CancellationToken cancellationToken)
    {
        var inserted = new HashSet<(string ScheduleId, string Key)>();
        if (fires.Count == 0)
        {
            return inserted;
        }

        var until = Times([leaseUntil]).Single();
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {_fires} (schedule_id, fire_key, nominal_at, kind, status, run_id, fire_at, cancel_run_id, skip_reason, skipped_count, skipped_until, attempts, created_at, lease_owner, lease_until) " +
            "SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::smallint[], $5::smallint[], $6::text[], $7::timestamptz[], $8::text[], $9::text[], $10::integer[], $11::timestamptz[], $12::integer[], $13::timestamptz[], $14::text[], $15::timestamptz[]) " +
            "ON CONFLICT (schedule_id, fire_key) DO NOTHING RETURNING schedule_id, fire_key",
            connection,
            transaction);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string[]> { TypedValue = fires.Select(f => f.ScheduleId).ToArray() });
        p.Add(new NpgsqlParameter<string[]> { TypedValue = fires.Select(f => f.Key).ToArray() });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = Times(fires.Select(f => (DateTimeOffset?)f.NominalAt)) });
        p.Add(new NpgsqlParameter<short[]> { TypedValue = fires.Select(f => (short)f.Kind).ToArray() });
        p.Add(new NpgsqlParameter<short[]> { TypedValue = fires.Select(f => (short)f.Status).ToArray() });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = fires.Select(f => f.RunId).ToArray() });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = Times(fires.Select(f => (DateTimeOffset?)f.FireAt)) });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = fires.Select(f => f.CancelRunId).ToArray() });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = fires.Select(f => f.SkipReason).ToArray() });
        p.Add(new NpgsqlParameter<int[]> { TypedValue = fires.Select(f => f.SkippedCount).ToArray() });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = Times(fires.Select(f => f.SkippedUntil)) });
        p.Add(new NpgsqlParameter<int[]> { TypedValue = fires.Select(f => f.Attempts).ToArray() });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = Times(fires.Select(f => (DateTimeOffset?)f.CreatedAt)) });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = fires.Select(f => leased.Contains((f.ScheduleId, f.Key)) ? owner : null).ToArray() });
        p.Add(new NpgsqlParameter<string?[]> { TypedValue = fires.Select(f => leased.Contains((f.ScheduleId, f.Key)) ? until : null).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            inserted.Add((reader.GetString(0), reader.GetString(1)));
        }

        return inserted;
    }

    /// <summary>
    /// Leases up to <paramref name="limit"/> due pending fires nobody holds, reviewing each one's run id with
    /// <see cref="ScheduleRules.ReviewRunId"/>: a fire pending past its run id's creation window gets a new one (here, under
    /// the lease's row lock), one near the end of that window is held until it can be renewed.
    /// </summary>
    private async Task LeasePendingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ScheduleClaimRequest request, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, List<ClaimedScheduleFire> claimed, CancellationToken cancellationToken)
    {
        var leased = new List<(ScheduleFire Fire, string WorkflowName, byte[] Input, bool RunExists)>();
        await using (var lease = new NpgsqlCommand(
            $"WITH due AS (SELECT schedule_id, fire_key FROM {_fires} WHERE status = 0 AND fire_at <= $1 AND (lease_until IS NULL OR lease_until <= $1) " +
            "ORDER BY fire_at, schedule_id, fire_key LIMIT $2 FOR UPDATE SKIP LOCKED) " +
            $"UPDATE {_fires} f SET lease_owner = $3, lease_until = $4, attempts = f.attempts + 1 FROM due, {_schedules} s " +
            "WHERE f.schedule_id = due.schedule_id AND f.fire_key = due.fire_key AND s.schedule_id = f.schedule_id " +
            $"RETURNING {Prefixed("f", ScheduleRows.FireColumns)}, s.workflow_name, s.input, EXISTS (SELECT 1 FROM {_runs} r WHERE r.run_id = f.run_id)",
            connection,
            transaction))
        {
            lease.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now.ToUniversalTime() });
            lease.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
            lease.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Owner });
            lease.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = leaseUntil.ToUniversalTime() });
            await using var reader = await lease.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                leased.Add((ScheduleRows.ReadFire(reader), reader.GetString(14), reader.GetFieldValue<byte[]>(15), reader.GetBoolean(16)));
            }
        }

        var held = new List<(ScheduleFire Fire, DateTimeOffset Until)>();
        var renewed = new List<(ScheduleFire Fire, string OldRunId)>();
        foreach (var (fire, workflowName, input, runExists) in leased)
        {
            var reviewed = ScheduleRules.ReviewRunId(fire, runExists, now, out var heldUntil);
            if (reviewed is null)
            {
                held.Add((fire, heldUntil));
                continue;
            }

            if (reviewed.RunId != fire.RunId)
            {
                renewed.Add((reviewed, fire.RunId!));
            }

            claimed.Add(new ClaimedScheduleFire(reviewed, workflowName, input, leaseUntil));
        }

        if (held.Count > 0)
        {
            // Held, not handed out: the lease above does not count as an attempt (as in the other backends).
            await using var hold = new NpgsqlCommand(
                $"UPDATE {_fires} f SET lease_owner = NULL, lease_until = u.until, attempts = f.attempts - 1 FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS u (schedule_id, fire_key, until) " +
                "WHERE f.schedule_id = u.schedule_id AND f.fire_key = u.fire_key",
                connection,
                transaction);
            hold.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = held.Select(h => h.Fire.ScheduleId).ToArray() });
            hold.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = held.Select(h => h.Fire.Key).ToArray() });
            hold.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = Times(held.Select(h => (DateTimeOffset?)h.Until)) });
            await hold.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (renewed.Count > 0)
        {
            // The new run id replaces the old one on the fire, as the schedule's last run (overlap), and as the run a later
            // pending fire cancels.
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var sql in new[]
            {
                $"UPDATE {_fires} f SET run_id = u.new_id FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u (schedule_id, fire_key, old_id, new_id) WHERE f.schedule_id = u.schedule_id AND f.fire_key = u.fire_key",
                $"UPDATE {_schedules} s SET last_run_id = u.new_id FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u (schedule_id, fire_key, old_id, new_id) WHERE s.schedule_id = u.schedule_id AND s.last_run_id = u.old_id",
                $"UPDATE {_fires} f SET cancel_run_id = u.new_id FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u (schedule_id, fire_key, old_id, new_id) WHERE f.schedule_id = u.schedule_id AND f.cancel_run_id = u.old_id AND f.status = 0",
            })
            {
                var command = new NpgsqlBatchCommand(sql);
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = renewed.Select(r => r.Fire.ScheduleId).ToArray() });
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = renewed.Select(r => r.Fire.Key).ToArray() });
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = renewed.Select(r => r.OldRunId).ToArray() });
                command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = renewed.Select(r => r.Fire.RunId!).ToArray() });
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> InsertFireAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ScheduleFire fire, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(InsertFireSql, connection, transaction);
        ScheduleRows.BindFire(command.Parameters, fire);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private async Task<List<ScheduleFire>> InsertFiresAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ScheduleFire> fires, CancellationToken cancellationToken)
    {
        var inserted = new List<ScheduleFire>();
        foreach (var chunk in fires.Chunk(500))
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var fire in chunk)
            {
                var insert = new NpgsqlBatchCommand(InsertFireSql);
                ScheduleRows.BindFire(insert.Parameters, fire);
                batch.BatchCommands.Add(insert);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < chunk.Length; i++)
            {
                if (batch.BatchCommands[i].RecordsAffected == 1)
                {
                    inserted.Add(chunk[i]);
                }
            }
        }

        return inserted;
    }

    private async Task<ScheduleFire?> ReadFireAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string scheduleId, string key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {ScheduleRows.FireColumns} FROM {_fires} WHERE schedule_id = $1 AND fire_key = $2", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = scheduleId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ScheduleRows.ReadFire(reader) : null;
    }

    private async Task WriteStateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string scheduleId, ScheduleState state, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"UPDATE {_schedules} SET enabled = $2, pause_note = $3, next_nominal_at = $4, next_fire_at = $5, last_nominal_at = $6, " +
            "last_fired_at = $7, last_run_id = $8, last_outcome = $9, buffered_nominal_at = $10, updated_at = $12 WHERE schedule_id = $1",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = scheduleId });
        ScheduleRows.BindState(command.Parameters, state);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<(ScheduleDefinition? Definition, ScheduleState State)?> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string scheduleId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {ScheduleRows.Columns} FROM {_schedules} WHERE schedule_id = $1 FOR UPDATE", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = scheduleId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var (definition, state, _) = ScheduleRows.ReadRaw(reader);
        return (definition, state);
    }

    private async Task<Schedule> RequireLockedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string scheduleId, CancellationToken cancellationToken)
    {
        var row = await LockAsync(connection, transaction, scheduleId, cancellationToken).ConfigureAwait(false) ?? throw new ScheduleNotFoundException(scheduleId);
        return new Schedule(row.Definition ?? throw new WorldConfigurationException($"The stored definition of schedule '{scheduleId}' is not valid JSON; upsert it again."), row.State);
    }

    private Task<Schedule> ChangeAsync(string scheduleId, Func<Schedule, ScheduleState> change, CancellationToken cancellationToken)
    {
        IdValidation.RequireSafeId(scheduleId, nameof(scheduleId));
        return InTransactionAsync(
            async (connection, transaction) =>
            {
                var schedule = await RequireLockedAsync(connection, transaction, scheduleId, cancellationToken).ConfigureAwait(false);
                var state = change(schedule);
                await WriteStateAsync(connection, transaction, scheduleId, state, cancellationToken).ConfigureAwait(false);
                return schedule with { State = state };
            },
            cancellationToken);
    }

    private async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        _context.ThrowIfDisposed();
        try
        {
            await using var connection = await _context.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await work(connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (NpgsqlException exception) when (PostgresErrors.Translate(exception, _context.DataSource) is { } typed)
        {
            throw typed;
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Schedule {ScheduleId} has an unreadable stored definition; retrying in {Retry}")]
    private static partial void LogUnreadableDefinition(ILogger logger, string scheduleId, TimeSpan retry);
}
