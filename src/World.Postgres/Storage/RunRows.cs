using Npgsql;

namespace World.Postgres.Storage;

/// <summary>The <c>runs</c> table: column lists, row reading and the parameters of writes.</summary>
internal static class RunRows
{
    public const string Columns =
        "run_id, status, deployment_id, workflow_name, spec_version, execution_context, input, output, error, attributes, expired_at, started_at, completed_at, created_at, updated_at";

    // The same shape without payload bytes, for ResolveData.None.
    public const string ColumnsWithoutData =
        "run_id, status, deployment_id, workflow_name, spec_version, execution_context, NULL::bytea, NULL::bytea, error, attributes, expired_at, started_at, completed_at, created_at, updated_at";

    public const string InsertValues = "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";

    public const string UpdateAssignments =
        "status = $2, deployment_id = $3, workflow_name = $4, spec_version = $5, execution_context = $6, input = $7, output = $8, error = $9, attributes = $10, expired_at = $11, started_at = $12, completed_at = $13, updated_at = $15";

    public static string Select(ResolveData mode) => mode == ResolveData.All ? Columns : ColumnsWithoutData;

    public static WorkflowRun Read(NpgsqlDataReader reader) => new()
    {
        RunId = reader.GetString(0),
        Status = DbValues.ParseRunStatus(reader.GetString(1)),
        DeploymentId = reader.GetString(2),
        WorkflowName = reader.GetString(3),
        SpecVersion = reader.GetInt32(4),
        ExecutionContext = DbValues.ReadJson<Dictionary<string, string>>(reader, 5),
        Input = DbValues.ReadBytes(reader, 6),
        Output = DbValues.ReadBytes(reader, 7),
        Error = DbValues.ReadJson<StructuredError>(reader, 8),
        Attributes = (IReadOnlyDictionary<string, string>?)DbValues.ReadJson<Dictionary<string, string>>(reader, 9) ?? new Dictionary<string, string>(StringComparer.Ordinal),
        ExpiredAt = DbValues.ReadNullableTimestamp(reader, 10),
        StartedAt = DbValues.ReadNullableTimestamp(reader, 11),
        CompletedAt = DbValues.ReadNullableTimestamp(reader, 12),
        CreatedAt = DbValues.ReadTimestamp(reader, 13),
        UpdatedAt = DbValues.ReadTimestamp(reader, 14),
    };

    /// <summary>Parameters $1..$15 in <see cref="Columns"/> order, for both the insert and the update.</summary>
    public static void AddParameters(NpgsqlParameterCollection parameters, WorkflowRun run)
    {
        parameters.Add(DbValues.Text(run.RunId));
        parameters.Add(DbValues.Text(DbValues.Name(run.Status)));
        parameters.Add(DbValues.Text(run.DeploymentId));
        parameters.Add(DbValues.Text(run.WorkflowName));
        parameters.Add(DbValues.Integer(run.SpecVersion));
        parameters.Add(DbValues.Json(run.ExecutionContext));
        parameters.Add(DbValues.Bytea(run.Input));
        parameters.Add(DbValues.Bytea(run.Output));
        parameters.Add(DbValues.Json(run.Error));
        parameters.Add(DbValues.Attributes(run.Attributes));
        parameters.Add(DbValues.Timestamp(run.ExpiredAt));
        parameters.Add(DbValues.Timestamp(run.StartedAt));
        parameters.Add(DbValues.Timestamp(run.CompletedAt));
        parameters.Add(DbValues.Timestamp(run.CreatedAt));
        parameters.Add(DbValues.Timestamp(run.UpdatedAt));
    }
}
