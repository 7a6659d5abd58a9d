using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using World.Serialization;

namespace World.Postgres.Schedules;

/// <summary>Column lists and row mapping of the schedule tables.</summary>
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Contract records only, through WorldJson.Options; see WorldJson.")]
[UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Contract records only, through WorldJson.Options; see WorldJson.")]
internal static class ScheduleRows
{
    public const string Columns =
        "schedule_id, workflow_name, definition, input, enabled, pause_note, next_nominal_at, next_fire_at, last_nominal_at, " +
        "last_fired_at, last_run_id, last_outcome, buffered_nominal_at, created_at, updated_at";

    public const string FireColumns =
        "schedule_id, fire_key, nominal_at, kind, status, run_id, fire_at, cancel_run_id, skip_reason, skipped_count, skipped_until, attempts, created_at, completed_at";

    public static byte[] SerializeDefinition(ScheduleDefinition definition) =>
        JsonSerializer.SerializeToUtf8Bytes(definition with { Input = ReadOnlyMemory<byte>.Empty }, WorldJson.Options);

    /// <summary>A stored definition with its input; null when the JSON no longer parses (edited by hand).</summary>
    public static ScheduleDefinition? ParseDefinition(string scheduleId, byte[] json, byte[] input)
    {
        try
        {
            var definition = JsonSerializer.Deserialize<ScheduleDefinition>(json, WorldJson.Options);
            return definition is null ? null : definition with { Input = input, ScheduleId = scheduleId };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads a schedule row; a definition that no longer parses (edited by hand) is returned as null.</summary>
    /// <param name="reader">The reader, on the row.</param>
    /// <param name="cache">Reuses the definition parsed from the same bytes before (claims); null parses every time.</param>
    public static (ScheduleDefinition? Definition, ScheduleState State, string ScheduleId) ReadRaw(NpgsqlDataReader reader, ScheduleDefinitionCache? cache = null)
    {
        const int offset = 0;
        var scheduleId = reader.GetString(offset);
        var json = reader.GetFieldValue<byte[]>(offset + 2);
        var input = reader.GetFieldValue<byte[]>(offset + 3);
        var definition = cache is null ? ParseDefinition(scheduleId, json, input) : cache.GetOrParse(scheduleId, json, input);

        var state = new ScheduleState
        {
            Enabled = reader.GetBoolean(offset + 4),
            PauseNote = Text(reader, offset + 5),
            NextNominalAt = Time(reader, offset + 6),
            NextFireAt = Time(reader, offset + 7),
            LastNominalAt = Time(reader, offset + 8),
            LastFiredAt = Time(reader, offset + 9),
            LastRunId = Text(reader, offset + 10),
            LastOutcome = Text(reader, offset + 11),
            BufferedNominalAt = Time(reader, offset + 12),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(offset + 13),
            UpdatedAt = reader.GetFieldValue<DateTimeOffset>(offset + 14),
        };
        return (definition, state, scheduleId);
    }

    public static Schedule Read(NpgsqlDataReader reader)
    {
        var (definition, state, scheduleId) = ReadRaw(reader);
        return new Schedule(definition ?? throw new WorldConfigurationException($"The stored definition of schedule '{scheduleId}' is not valid JSON; upsert it again."), state);
    }

    public static ScheduleFire ReadFire(NpgsqlDataReader reader) => new()
    {
        ScheduleId = reader.GetString(0),
        NominalAt = reader.GetFieldValue<DateTimeOffset>(2),
        Kind = (ScheduleTriggerKind)reader.GetInt16(3),
        Status = (ScheduleFireStatus)reader.GetInt16(4),
        RunId = Text(reader, 5),
        FireAt = reader.GetFieldValue<DateTimeOffset>(6),
        CancelRunId = Text(reader, 7),
        SkipReason = Text(reader, 8),
        SkippedCount = reader.GetInt32(9),
        SkippedUntil = Time(reader, 10),
        Attempts = reader.GetInt32(11),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(12),
        CompletedAt = Time(reader, 13),
    };

    /// <summary>Binds a whole schedule row as $1..$15 in <see cref="Columns"/> order.</summary>
    public static void Bind(NpgsqlParameterCollection parameters, ScheduleDefinition definition, ScheduleState state)
    {
        parameters.Add(new NpgsqlParameter<string>{ TypedValue = definition.ScheduleId });
        parameters.Add(new NpgsqlParameter<string>{ TypedValue = definition.WorkflowName });
        parameters.Add(new NpgsqlParameter<byte[]>{ TypedValue = SerializeDefinition(definition) });
        parameters.Add(new NpgsqlParameter<byte[]>{ TypedValue = definition.Input.ToArray() });
        BindState(parameters, state);
    }

    /// <summary>Binds the state columns (enabled … updated_at) as the next 11 parameters.</summary>
    public static void BindState(NpgsqlParameterCollection parameters, ScheduleState state)
    {
        parameters.Add(new NpgsqlParameter<bool> { TypedValue = state.Enabled });
        parameters.Add(NullableText(state.PauseNote));
        parameters.Add(NullableTime(state.NextNominalAt));
        parameters.Add(NullableTime(state.NextFireAt));
        parameters.Add(NullableTime(state.LastNominalAt));
        parameters.Add(NullableTime(state.LastFiredAt));
        parameters.Add(NullableText(state.LastRunId));
        parameters.Add(NullableText(state.LastOutcome));
        parameters.Add(NullableTime(state.BufferedNominalAt));
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = state.CreatedAt.ToUniversalTime() });
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = state.UpdatedAt.ToUniversalTime() });
    }

    /// <summary>Binds a fire as $1..$13 (every column of <see cref="FireColumns"/> but completed_at).</summary>
    public static void BindFire(NpgsqlParameterCollection parameters, ScheduleFire fire)
    {
        parameters.Add(new NpgsqlParameter<string> { TypedValue = fire.ScheduleId });
        parameters.Add(new NpgsqlParameter<string> { TypedValue = fire.Key });
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = fire.NominalAt.ToUniversalTime() });
        parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)fire.Kind });
        parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)fire.Status });
        parameters.Add(NullableText(fire.RunId));
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = fire.FireAt.ToUniversalTime() });
        parameters.Add(NullableText(fire.CancelRunId));
        parameters.Add(NullableText(fire.SkipReason));
        parameters.Add(new NpgsqlParameter<int> { TypedValue = fire.SkippedCount });
        parameters.Add(NullableTime(fire.SkippedUntil));
        parameters.Add(new NpgsqlParameter<int> { TypedValue = fire.Attempts });
        parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = fire.CreatedAt.ToUniversalTime() });
    }

    private static NpgsqlParameter NullableText(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter NullableTime(DateTimeOffset? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value is { } time ? time.ToUniversalTime() : DBNull.Value };

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
