using Npgsql;

namespace World.Postgres.Storage;

/// <summary>The <c>steps</c> table: column lists, row reading and the parameters of writes.</summary>
internal static class StepRows
{
    public const string Columns =
        "run_id, step_id, step_name, status, input, output, error, attempt, started_at, completed_at, retry_after, created_at, updated_at, spec_version, created_event_id";

    public const string ColumnsWithoutData =
        "run_id, step_id, step_name, status, NULL::bytea, NULL::bytea, error, attempt, started_at, completed_at, retry_after, created_at, updated_at, spec_version, created_event_id";

    public const string InsertValues = "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

    // A step's name and input are fixed at creation; everything else may change.
    public const string UpdateAssignments =
        "status = $4, output = $6, error = $7, attempt = $8, started_at = $9, completed_at = $10, retry_after = $11, updated_at = $13";

    public static string Select(ResolveData mode) => mode == ResolveData.All ? Columns : ColumnsWithoutData;

    public static Step Read(NpgsqlDataReader reader) => new()
    {
        RunId = reader.GetString(0),
        StepId = reader.GetString(1),
        StepName = reader.GetString(2),
        Status = DbValues.ParseStepStatus(reader.GetString(3)),
        Input = DbValues.ReadBytes(reader, 4),
        Output = DbValues.ReadBytes(reader, 5),
        Error = DbValues.ReadJson<StructuredError>(reader, 6),
        Attempt = reader.GetInt32(7),
        StartedAt = DbValues.ReadNullableTimestamp(reader, 8),
        CompletedAt = DbValues.ReadNullableTimestamp(reader, 9),
        RetryAfter = DbValues.ReadNullableTimestamp(reader, 10),
        CreatedAt = DbValues.ReadTimestamp(reader, 11),
        UpdatedAt = DbValues.ReadTimestamp(reader, 12),
        SpecVersion = reader.GetInt32(13),
    };

    public static string ReadSortKey(NpgsqlDataReader reader) => reader.GetString(14);

    /// <summary>Parameters $1..$15 in <see cref="Columns"/> order, for both the insert and the update.</summary>
    public static void AddParameters(NpgsqlParameterCollection parameters, Step step, string creationEventId)
    {
        parameters.Add(DbValues.Text(step.RunId));
        parameters.Add(DbValues.Text(step.StepId));
        parameters.Add(DbValues.Text(step.StepName));
        parameters.Add(DbValues.Text(DbValues.Name(step.Status)));
        parameters.Add(DbValues.Bytea(step.Input));
        parameters.Add(DbValues.Bytea(step.Output));
        parameters.Add(DbValues.Json(step.Error));
        parameters.Add(DbValues.Integer(step.Attempt));
        parameters.Add(DbValues.Timestamp(step.StartedAt));
        parameters.Add(DbValues.Timestamp(step.CompletedAt));
        parameters.Add(DbValues.Timestamp(step.RetryAfter));
        parameters.Add(DbValues.Timestamp(step.CreatedAt));
        parameters.Add(DbValues.Timestamp(step.UpdatedAt));
        parameters.Add(DbValues.Integer(step.SpecVersion));
        parameters.Add(DbValues.Text(creationEventId));
    }
}
